"""What the reasons of many pairs rest on, found with numpy only (so it can run in worker threads).

For each pair: the terms its two texts share most (by contribution to the cosine) and the
signals that fired. Pairs that rest on the same evidence get the same index, so reasons are
formatted once per distinct term list and once per distinct combination of signals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.matching.model import REASON_TERMS, MatchModel, heaviest
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
    model: MatchModel, query_kind: Kind, query_heavy: sp.csr_matrix, query_facts: Facts,
    cand_heavy: sp.csr_matrix, cand_rows: np.ndarray, now: float,
) -> Evidence:
    """Evidence of pairs i = (query row i, candidate ``cand_rows[i]``).

    ``query_heavy``, ``query_facts`` and ``cand_heavy`` (the candidates' heaviest terms)
    hold one row per pair.
    """
    cand_facts = model.sides[other_kind(query_kind)].facts.take(cand_rows)
    shared = query_heavy.multiply(cand_heavy).tocsr()
    terms, term_of_pair = distinct_rows(top_columns(shared, CANDIDATE_TERMS))
    signals, signal_of_pair = distinct_rows(_signal_rows(query_kind, query_facts, cand_facts, now))
    return Evidence(terms, term_of_pair, signals, signal_of_pair)


def _signal_rows(query_kind: Kind, query: Facts, cand: Facts, now: float) -> np.ndarray:
    """One row per pair: the codes each signal's reason names, NONE where it did not fire."""
    challenge, solution = (query, cand) if query_kind == CHALLENGE else (cand, query)
    reached, required = solution.trl.astype(np.int64), challenge.trl.astype(np.int64)
    trl_fired = (required >= 0) & (required <= reached)
    place_fired = (query.country >= 0) & (query.country == cand.country)
    same_city = place_fired & (query.city >= 0) & (query.city == cand.city)
    deadline_fired = challenge.deadline > now  # False for NaN (no deadline)
    return np.concatenate([
        top_columns(query.sectors.multiply(_fit(cand.sectors, query.sectors)).tocsr(), SHOWN_SECTORS),
        top_columns(query.tags.multiply(_fit(cand.tags, query.tags)).tocsr(), SHOWN_TAGS),
        np.where(trl_fired, reached, NONE)[:, None], np.where(trl_fired, required, NONE)[:, None],
        np.where(place_fired, query.country, NONE)[:, None], np.where(same_city, query.city, NONE)[:, None],
        np.where(deadline_fired, challenge.deadline.view(np.int64), NONE)[:, None],
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


def heaviest_terms(vectors: sp.csr_matrix, limit: int = REASON_TERMS, rows_per_pass: int = 8192) -> sp.csr_matrix:
    """``model.heaviest`` (each row's ``limit`` largest entries, ties: lower column), faster.

    Each row's limit-th largest value is found by partitioning padded rows (linear time)
    instead of sorting every entry; rows are taken a few thousand at a time (bounded memory).
    """
    vectors = vectors.tocsr()
    counts = np.diff(vectors.indptr)
    floating = np.issubdtype(vectors.dtype, np.floating)
    if not len(counts) or counts.max(initial=0) <= limit or not vectors.has_sorted_indices or not floating:
        return heaviest(vectors, limit)
    keep = np.empty(vectors.nnz, dtype=bool)
    for start in range(0, vectors.shape[0], rows_per_pass):
        stop = min(start + rows_per_pass, vectors.shape[0])
        low, high = vectors.indptr[start], vectors.indptr[stop]
        keep[low:high] = _heaviest_entries(vectors.data[low:high], vectors.indptr[start : stop + 1] - low, limit)
    indptr = np.concatenate([[0], np.cumsum(np.minimum(counts, limit))]).astype(vectors.indptr.dtype)
    return sp.csr_matrix((vectors.data[keep], vectors.indices[keep], indptr), shape=vectors.shape)


def _heaviest_entries(data: np.ndarray, indptr: np.ndarray, limit: int) -> np.ndarray:
    """Which entries of these rows are among their row's ``limit`` largest (ties: first ones)."""
    counts = np.diff(indptr)
    width = int(counts.max(initial=0))
    if width <= limit:
        return np.ones(len(data), dtype=bool)
    row = np.repeat(np.arange(len(counts)), counts)
    padded = np.full((len(counts), width), -np.inf, dtype=data.dtype)
    padded[row, np.arange(len(data)) - indptr[row]] = data
    threshold = np.partition(padded, width - limit, axis=1)[:, width - limit]
    threshold[counts <= limit] = -np.inf
    above = data > threshold[row]
    tied = data == threshold[row]
    room = limit - np.bincount(row[above], minlength=len(counts))
    tied_before = np.concatenate([[0], np.cumsum(tied)])
    tie_rank = tied_before[1:] - tied_before[indptr[:-1]][row]  # 1 for a row's first tie
    return above | (tied & (tie_rank <= room[row]))


def _fit(matrix: sp.csr_matrix, like: sp.csr_matrix) -> sp.csr_matrix:
    width = like.shape[1]
    if matrix.shape[1] == width:
        return matrix
    if matrix.shape[1] > width:
        return matrix[:, :width]
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))
