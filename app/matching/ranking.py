"""Scoring blocks of pairs with sparse products, top-k selection and the public ranking calls."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import scipy.sparse as sp

from app.matching.feedback import adjust_query, hidden_rows, similar_reasons
from app.matching.model import MatchModel, Side, heaviest
from app.matching.passages import Passages, blend
from app.matching.reasons import explain_pairs, term_reasons
from app.matching.records import (
    CHALLENGE,
    SOLUTION,
    Feedback,
    Item,
    ItemId,
    Kind,
    Match,
    Reason,
    other_kind,
)
from app.matching.signals import Facts, eligible, now_timestamp, pair_multiplier

# Scores are rounded to this many units per 1.0 before ordering, so that a pair scores the
# same whichever way it was computed (one item or a block) and ties fall back on ids.
SCALE = 1_000_000
# Query rows per sparse product block: bounds memory to about BLOCK_ROWS x candidates x 50 B
# per worker thread.
BLOCK_ROWS = 64
# Threads scoring blocks of a rebuild (our servers have 2 cores).
WORKERS = 2


@dataclass(frozen=True)
class Neighbour:
    """An item similar to a query item of the same kind."""

    id: ItemId
    score: float
    reasons: list[Reason]


def rank_solutions_for_challenge(
    model: MatchModel, challenge: Item, k: int = 20,
    feedback: Feedback | None = None, now: datetime | None = None,
) -> list[Match]:
    """Best ``k`` solutions of the model for ``challenge`` (which need not be in the model).

    ``feedback`` is the challenge owner's: relevant/not-relevant solution ids steer the
    query, hidden ones are never returned. ``now`` decides which deadlines are open.
    """
    return _rank_item(model, challenge, k, feedback or Feedback(), now)


def rank_challenges_for_solution(
    model: MatchModel, solution: Item, k: int = 20,
    feedback: Feedback | None = None, now: datetime | None = None,
) -> list[Match]:
    """Best ``k`` challenges of the model for ``solution``; see rank_solutions_for_challenge."""
    return _rank_item(model, solution, k, feedback or Feedback(), now)


def similar_challenges(model: MatchModel, draft: Item, k: int = 10) -> list[Neighbour]:
    """Active challenges of the model whose text is closest to ``draft`` (itself excluded)."""
    side = model.sides[CHALLENGE]
    vector = model.transform([draft])
    micro = np.rint((vector @ side.matrix.T).toarray() * SCALE).astype(np.int64)
    micro[:, ~side.facts.active] = 0
    if draft.id in side.rows:
        micro[0, side.rows[draft.id]] = 0
    rows, keys = _top_k(_keys(micro, side.id_rank), k)
    rows = rows[0][keys[0] >= 0]
    shared = vector[np.zeros(len(rows), dtype=np.int64)].multiply(side.matrix[rows]).tocsr()
    return [
        Neighbour(side.ids[r], _score(micro[0, r]), reasons[:1])
        for r, reasons in zip(rows, term_reasons(model, shared), strict=True)
    ]


def top_k_all(
    model: MatchModel, k: int = 20, now: datetime | None = None,
    feedback_by_org: Mapping[ItemId, Feedback] | None = None, reasons: bool = True,
) -> Iterator[Match]:
    """Every active challenge's top ``k`` solutions, then every active solution's top ``k``
    challenges, with reasons; computed in blocks of sparse products (bounded memory).

    ``feedback_by_org`` maps an organisation id to its feedback, applied to the rankings
    of that organisation's own items. A pair may appear in both directions. With
    ``reasons=False`` the matches carry no reasons (same pairs and scores, much faster).
    """
    stamp = now_timestamp(now)
    feedback_by_code = {model.books.orgs.code(o, grow=False): f for o, f in (feedback_by_org or {}).items()}
    feedback_by_code.pop(-1, None)  # organisations without items in the model
    challenges, solutions = model.sides[CHALLENGE], model.sides[SOLUTION]
    columns = _ColumnTopK(k, len(solutions.ids), len(challenges.ids))
    # Closed or expired challenges are neither ranked nor recommended: skip their rows.
    open_rows = np.flatnonzero(_query_open(challenges.facts, CHALLENGE, stamp))
    blocks = [open_rows[start : start + BLOCK_ROWS] for start in range(0, len(open_rows), BLOCK_ROWS)]
    for rows, cand_rows, keys, column_part in _scored_blocks(model, blocks, k, stamp, columns):
        micro_of = np.where(keys >= 0, keys // max(len(solutions.ids), 1), 0)
        yield from _pairs_to_matches(model, CHALLENGE, rows, cand_rows, keys, micro_of, stamp,
                                     feedback_by_code, challenges, reasons)
        columns.extend(column_part)
    best_keys, best_rows = columns.result()
    yield from _column_matches(model, best_keys, best_rows, stamp, feedback_by_code, reasons)


def _scored_blocks(
    model: MatchModel, blocks: list[np.ndarray], k: int, stamp: float, columns: _ColumnTopK,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, tuple]]:
    """Score blocks of challenge rows in WORKERS threads, yielded in order.

    The sparse products and numpy passes release the GIL, so two cores really share the
    work; at most WORKERS blocks are in flight, which bounds memory.
    """
    def score(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
        micro = _block_micro(model, CHALLENGE, rows, stamp)
        cand_rows, keys = _best(micro, model.sides[SOLUTION].id_rank, k)
        return rows, cand_rows, keys, columns.select(micro, rows, model.sides[CHALLENGE].id_rank[rows])

    with ThreadPoolExecutor(WORKERS) as pool:
        pending: deque[Future] = deque()
        for rows in blocks:
            pending.append(pool.submit(score, rows))
            if len(pending) >= WORKERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def score_matrix(model: MatchModel, now: datetime | None = None) -> np.ndarray:
    """Dense challenge x solution scores as ranked by the app (0 = never recommended).

    For evaluation on small corpora; the app itself uses top_k_all, which never holds
    the whole matrix.
    """
    stamp = now_timestamp(now)
    rows = np.arange(len(model.sides[CHALLENGE].ids))
    return _block_micro(model, CHALLENGE, rows, stamp) / SCALE


def _rank_item(
    model: MatchModel, item: Item, k: int, feedback: Feedback, now: datetime | None
) -> list[Match]:
    stamp = now_timestamp(now)
    return _rank_vector(model, item.kind, model.transform([item]), Facts.of([item], model.books),
                        item.id, k, feedback, stamp, model.transform_passages([item]))


def _rank_vector(
    model: MatchModel, kind: Kind, vector: sp.csr_matrix, facts: Facts,
    query_id: ItemId, k: int, feedback: Feedback, stamp: float, passages: Passages,
) -> list[Match]:
    cand_kind = other_kind(kind)
    if feedback.relevant or feedback.not_relevant:
        vector = adjust_query(model, vector, cand_kind, feedback)
    micro = _micro(model, kind, vector, facts, stamp, passages)
    micro[0, hidden_rows(model, cand_kind, feedback)] = 0
    rows, keys = _best(micro, model.sides[cand_kind].id_rank, k)
    rows = rows[0][keys[0] >= 0]
    pairs = np.zeros(len(rows), dtype=np.int64)
    reasons = explain_pairs(model, kind, heaviest(vector)[pairs], facts.take(pairs), rows, stamp)
    for pair, extra in zip(reasons, similar_reasons(model, cand_kind, feedback, rows), strict=True):
        if extra is not None:
            pair.append(extra)
    return [_match(model, kind, query_id, r, _score(micro[0, r]), why)
            for r, why in zip(rows, reasons, strict=True)]


def _micro(
    model: MatchModel, kind: Kind, vectors: sp.csr_matrix, facts: Facts, stamp: float, passages: Passages,
) -> np.ndarray:
    """Scores of query rows against every candidate in units of 1/SCALE (int32); 0 = not eligible.

    ``passages`` are the query rows' own passages (owners numbered like ``vectors``' rows).
    """
    cand_kind = other_kind(kind)
    cand = model.sides[cand_kind]
    text = blend((vectors @ cand.postings).toarray(), vectors, passages, cand.postings, cand.passages,
                 model.settings.passage_weight)
    # In place (a block holds millions of pairs); the same float32 operations, so the same scores.
    text *= pair_multiplier(facts, kind, cand.facts, stamp)
    text *= SCALE
    micro = np.rint(text, out=text).astype(np.int32)
    micro[~eligible(facts, cand.facts, cand_kind, stamp)] = 0
    return micro


def _block_micro(model: MatchModel, kind: Kind, rows: np.ndarray, stamp: float) -> np.ndarray:
    side = model.sides[kind]
    facts = side.facts.take(rows)
    micro = _micro(model, kind, side.matrix[rows], facts, stamp, side.passages.take(rows))
    # Inactive or expired queries get no recommendations at all.
    micro[~_query_open(facts, kind, stamp)] = 0
    return micro


def _query_open(facts: Facts, kind: Kind, stamp: float) -> np.ndarray:
    is_open = facts.active.copy()
    if kind == CHALLENGE:
        is_open &= ~(facts.deadline <= stamp)
    return is_open


def _keys(micro: np.ndarray, id_rank: np.ndarray, n: int | None = None) -> np.ndarray:
    """Unique sort keys per row: score first, then the lower id; -1 marks no match.

    ``id_rank`` ranks the columns' ids among all ``n`` ids of their side.
    """
    n = len(id_rank) if n is None else n
    keys = micro.astype(np.int64) * n + (n - 1 - id_rank)[None, :]
    keys[micro <= 0] = -1
    return keys


def _top_k(keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and keys of each row's ``k`` largest keys, best first."""
    k = min(k, keys.shape[1])
    if k <= 0:
        empty = np.zeros((keys.shape[0], 0), dtype=np.int64)
        return empty, empty
    part = np.argpartition(-keys, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(keys, part, axis=1)
    order = np.argsort(-top, axis=1)
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(top, order, axis=1)


def _best(micro: np.ndarray, id_rank: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``_top_k(_keys(micro, id_rank), k)`` without keying every entry: (columns, keys).

    Only the entries at or above each row's k-th largest score can be among its best, so
    only those are keyed and sorted. Rows with fewer than k matches end in -1 keys.
    """
    n_rows, n = micro.shape
    k = max(min(k, n), 0)
    columns = np.zeros((n_rows, k), dtype=np.int64)
    keys = np.full((n_rows, k), -1, dtype=np.int64)
    if k == 0:
        return columns, keys
    floor = np.partition(micro, n - k, axis=1)[:, n - k]
    np.maximum(floor, 1, out=floor)  # a score of 0 is no match
    row, column = np.nonzero(micro >= floor[:, None])
    key = micro[row, column].astype(np.int64) * n + (n - 1 - id_rank[column])
    order = np.lexsort((-key, row))
    row, column, key = row[order], column[order], key[order]
    rank = np.arange(len(row)) - np.searchsorted(row, row)
    keep = rank < k
    columns[row[keep], rank[keep]] = column[keep]
    keys[row[keep], rank[keep]] = key[keep]
    return columns, keys


class _ColumnTopK:
    """Each column's running top-k (key, row) over blocks of rows.

    A row's key in a column is ``micro * n_keys + (n_keys - 1 - id rank of the row)``, as in
    ``_keys``. Only entries above the column's current k-th key are kept, so after the
    first blocks very few entries of a block survive the comparison (no sort of whole blocks).
    """

    def __init__(self, k: int, n_columns: int, n_keys: int) -> None:
        self.k, self.n, self.n_keys = k, n_columns, max(n_keys, 1)
        self.floor = np.full(n_columns, -1, dtype=np.int64)  # k-th best key so far
        self.floor_micro = np.ones(n_columns, dtype=np.int32)  # lowest score that may enter
        self.unsettled = True  # most columns have no floor yet: prune each block by itself
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending = 0

    def add(self, micro: np.ndarray, rows: np.ndarray, row_rank: np.ndarray) -> None:
        """Fold one block of (rows x columns) scores in; ``row_rank``: the rows' id ranks."""
        self.extend(self.select(micro, rows, row_rank))

    def select(self, micro: np.ndarray, rows: np.ndarray, row_rank: np.ndarray) -> tuple[np.ndarray, ...]:
        """The entries of a block that may enter the top k: (column, key, row).

        Safe in another thread: floors only rise, so older floors keep more entries. Until
        most columns have a floor, an entry below the k best of its column in this block
        is dropped too.
        """
        floor_micro = self.floor_micro
        if self.unsettled and len(rows) > self.k:
            local = np.partition(micro, len(rows) - self.k, axis=0)[len(rows) - self.k]
            floor_micro = np.maximum(floor_micro, local)
        index, column = np.nonzero(micro >= floor_micro[None, :])
        key = micro[index, column].astype(np.int64) * self.n_keys + (self.n_keys - 1 - row_rank[index])
        keep = key > self.floor[column]
        return column[keep].astype(np.int32), key[keep], rows[index[keep]].astype(np.int32)

    def extend(self, part: tuple[np.ndarray, ...]) -> None:
        """Fold the entries chosen by ``select`` in."""
        self.parts.append(part)
        self.pending += len(part[0])
        if self.pending > self.k * self.n + 100_000:
            self._reduce()

    def _reduce(self) -> None:
        column, key, row = self._sorted()
        start = np.searchsorted(column, np.arange(self.n))
        rank = np.arange(len(column)) - start[column]
        keep = rank < self.k
        column, key, row, rank = column[keep], key[keep], row[keep], rank[keep]
        full = rank == self.k - 1
        self.floor[column[full]] = key[full]
        self.floor_micro[column[full]] = key[full] // self.n_keys
        self.unsettled = np.count_nonzero(self.floor < 0) * 2 > self.n
        self.parts = [(column, key, row)]
        self.pending = len(column)

    def _sorted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All entries so far by column, best key first."""
        empty = np.zeros(0, dtype=np.int64)
        column, key, row = (np.concatenate([empty, *p]) for p in zip(*self.parts, strict=True)) \
            if self.parts else (empty, empty, empty)
        self.parts = []
        span = int(key.max()) + 1 if len(key) else 1
        if self.n * span < 2**62:  # one integer sort: keys are unique within a column
            order = np.argsort(column * span + (span - 1 - key))
        else:
            order = np.lexsort((-key, column))
        return column[order], key[order], row[order]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(k x columns) keys and rows, -1 keys where a column has fewer than k entries."""
        self._reduce()
        column, key, row = self.parts[0]
        start = np.searchsorted(column, np.arange(self.n))
        rank = np.arange(len(column)) - start[column]
        best_keys = np.full((self.k, self.n), -1, dtype=np.int64)
        best_rows = np.zeros((self.k, self.n), dtype=np.int64)
        best_keys[rank, column] = key
        best_rows[rank, column] = row
        return best_keys, best_rows


def _column_matches(
    model: MatchModel, best_keys: np.ndarray, best_rows: np.ndarray, stamp: float,
    feedback_by_code: Mapping[int, Feedback], reasons: bool,
) -> Iterator[Match]:
    order = np.argsort(-best_keys, axis=0)
    keys = np.take_along_axis(best_keys, order, axis=0).T
    cand_rows = np.take_along_axis(best_rows, order, axis=0).T
    n = len(model.sides[CHALLENGE].ids)
    micro_of = np.where(keys >= 0, keys // max(n, 1), 0)
    side = model.sides[SOLUTION]
    for start in range(0, len(side.ids), BLOCK_ROWS * 8):
        rows = np.arange(start, min(start + BLOCK_ROWS * 8, len(side.ids)))
        block = slice(start, rows[-1] + 1)
        yield from _pairs_to_matches(model, SOLUTION, rows, cand_rows[block], keys[block],
                                     micro_of[block], stamp, feedback_by_code, side, reasons)


def _pairs_to_matches(
    model: MatchModel, kind: Kind, rows: np.ndarray, cand_rows: np.ndarray, keys: np.ndarray,
    micro: np.ndarray, stamp: float, feedback_by_code: Mapping[int, Feedback], side: Side,
    explain: bool,
) -> Iterator[Match]:
    """Explain all kept pairs of a block at once, then emit them query by query.

    ``micro`` holds the scores aligned with ``keys`` (one per kept candidate).
    """
    query_index, rank = np.nonzero(keys >= 0)
    pair_cands = cand_rows[query_index, rank]
    pair_queries = rows[query_index]
    scores = micro[query_index, rank]
    if explain:
        reasons = explain_pairs(model, kind, side.heaviest[pair_queries], side.facts.take(pair_queries),
                                pair_cands, stamp)
    else:
        reasons = [[] for _ in range(len(pair_cands))]
    bounds = np.searchsorted(query_index, np.arange(len(rows) + 1)).tolist()
    cand_ids = model.sides[other_kind(kind)].ids
    cands, values = pair_cands.tolist(), (np.asarray(scores) / SCALE).tolist()  # = _score, vectorised
    for i, row in enumerate(rows.tolist()):
        feedback = feedback_by_code.get(int(side.facts.org[row])) if feedback_by_code else None
        if feedback is not None:
            yield from _rank_vector(model, kind, side.matrix[[row]], side.facts.take(np.array([row])),
                                    side.ids[row], keys.shape[1], feedback, stamp,
                                    side.passages.take(np.array([row])))
            continue
        query_id = side.ids[row]
        if kind == CHALLENGE:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(query_id, cand_ids[cands[p]], values[p], reasons[p])
        else:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(cand_ids[cands[p]], query_id, values[p], reasons[p])


def _match(model: MatchModel, kind: Kind, query_id: ItemId, cand_row: int, score: float,
           reasons: list[Reason]) -> Match:
    cand_id = model.sides[other_kind(kind)].ids[cand_row]
    if kind == CHALLENGE:
        return Match(query_id, cand_id, score, reasons)
    return Match(cand_id, query_id, score, reasons)


def _score(micro: int) -> float:
    return round(int(micro) / SCALE, 6)

