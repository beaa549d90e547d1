"""What the reasons of many pairs rest on, found with numpy only (so it can run in worker threads).

For each pair: the terms its two texts share most (by contribution to the cosine) and the
signals that fired. Pairs that rest on the same evidence get the same index, so reasons are
formatted once per distinct term list and once per distinct combination of signals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.matching.model import MatchModel
from app.matching.records import CHALLENGE, Kind, other_kind
from app.matching.signals import Facts

# How many top shared terms are looked at (a reason names fewer, after dropping single
# words already inside a named phrase), and how many shared sectors and tags are named.
CANDIDATE_TERMS = 10
SHOWN_SECTORS = 3
SHOWN_TAGS = 5
# A pair's signals as one row of codes (NONE where a signal did not fire, and as padding):
# shared sector codes, shared tag codes, TRL reached and required, country and city, and
# the deadline (POSIX seconds, as the bits of a float64).
SECTORS = slice(0, SHOWN_SECTORS)
TAGS = slice(SHOWN_SECTORS, SHOWN_SECTORS + SHOWN_TAGS)
TRL = TAGS.stop
PLACE = TRL + 2
DEADLINE = PLACE + 2
NONE = -1


@dataclass
class Evidence:
    """Per pair, an index into distinct rows of shared terms and of signals.

    ``terms``: columns of the CANDIDATE_TERMS top shared terms, best first, NONE-padded;
    ``signals``: rows laid out as SECTORS, TAGS, TRL, PLACE and DEADLINE say.
    """

    terms: np.ndarray
    term_of_pair: np.ndarray
    signals: np.ndarray
    signal_of_pair: np.ndarray


def gather(
    model: MatchModel, query_kind: Kind, query_heavy: sp.csr_matrix, query_facts: Facts, query_rows: np.ndarray,
    cand_heavy: sp.csr_matrix, cand_rows: np.ndarray, now: float,
) -> Evidence:
    """Evidence of pairs i = (query ``query_rows[i]`` of ``query_facts``, candidate ``cand_rows[i]``).

    ``query_heavy`` and ``cand_heavy`` (both sides' heaviest terms) hold one row per pair.
    """
    shared = query_heavy.multiply(cand_heavy).tocsr()
    terms, term_of_pair = distinct_rows(top_columns(shared, CANDIDATE_TERMS))
    cand_facts = model.sides[other_kind(query_kind)].facts
    signals = _signal_rows(query_kind, query_facts, query_rows, cand_facts, cand_rows, now)
    return Evidence(terms, term_of_pair, *distinct_rows(signals))


def _signal_rows(
    query_kind: Kind, query: Facts, query_rows: np.ndarray, cand: Facts, cand_rows: np.ndarray, now: float,
) -> np.ndarray:
    """One row per pair: the codes each signal's reason names, NONE where it did not fire."""
    query_side, cand_side = (query, query_rows), (cand, cand_rows)
    (challenge, challenge_rows), (solution, solution_rows) = (
        (query_side, cand_side) if query_kind == CHALLENGE else (cand_side, query_side))
    reached, required = solution.trl[solution_rows].astype(np.int64), challenge.trl[challenge_rows].astype(np.int64)
    country, city, deadline = query.country[query_rows], query.city[query_rows], challenge.deadline[challenge_rows]
    trl_fired = (required >= 0) & (required <= reached)
    place_fired = (country >= 0) & (country == cand.country[cand_rows])
    same_city = place_fired & (city >= 0) & (city == cand.city[cand_rows])
    deadline_fired = deadline > now  # False for NaN (no deadline)
    return np.concatenate([
        _shared_labels(query.sectors, query_rows, cand.sectors, cand_rows, SHOWN_SECTORS),
        _shared_labels(query.tags, query_rows, cand.tags, cand_rows, SHOWN_TAGS),
        np.where(trl_fired, reached, NONE)[:, None], np.where(trl_fired, required, NONE)[:, None],
        np.where(place_fired, country, NONE)[:, None], np.where(same_city, city, NONE)[:, None],
        np.where(deadline_fired, deadline.view(np.int64), NONE)[:, None],
    ], axis=1, dtype=np.int64)


def top_columns(matrix: sp.csr_matrix, limit: int) -> np.ndarray:
    """Per row, the columns of the ``limit`` largest positive entries, largest first (ties:
    lower column, hence vocabulary order), padded with NONE."""
    matrix.eliminate_zeros()
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, row_of))
    rank = np.arange(len(order)) - matrix.indptr[row_of]
    keep = rank < limit
    columns = np.full((matrix.shape[0], limit), NONE, dtype=np.int64)
    columns[row_of[keep], rank[keep]] = matrix.indices[order[keep]]
    return columns


def distinct_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows, index of each row among them), by one lexicographic sort."""
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    order = np.lexsort(values.T[::-1])
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def _shared_labels(
    query: sp.csr_matrix, query_rows: np.ndarray, cand: sp.csr_matrix, cand_rows: np.ndarray, limit: int,
) -> np.ndarray:
    """Per pair, the codes of up to ``limit`` labels both rows hold, lowest first, NONE-padded.

    Label rows are indicators (every stored value is 1), so "largest product first, ties by
    code" is simply "lowest code first".
    """
    width = max(query.shape[1], cand.shape[1], 1)  # codebooks grow: older rows may be narrower
    query_pair, query_code, _, _ = row_entries(query, query_rows)
    cand_pair, cand_code, _, _ = row_entries(cand, cand_rows)
    both = np.intersect1d(query_pair * width + query_code, cand_pair * width + cand_code, assume_unique=True)
    pair, code = np.divmod(both, width)  # by pair, then code
    rank = np.arange(len(pair)) - np.searchsorted(pair, pair)
    keep = rank < limit
    codes = np.full((len(query_rows), limit), NONE, dtype=np.int64)
    codes[pair[keep], rank[keep]] = code[keep]
    return codes


def row_entries(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The entries of ``matrix[rows]`` as flat arrays (position in ``rows``, column, value) and
    their row pointers, without building the matrix."""
    starts, counts = matrix.indptr[rows], np.diff(matrix.indptr)[rows]
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    positions = np.repeat(starts - indptr[:-1], counts) + np.arange(indptr[-1])
    return np.repeat(np.arange(len(rows)), counts), matrix.indices[positions].astype(np.int64), \
        matrix.data[positions], indptr
