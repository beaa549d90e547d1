"""Scoring blocks of pairs with sparse products, top-k selection and the public ranking calls."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from app.matching.evidence import Evidence, gather, heaviest_terms
from app.matching.feedback import adjust_query, hidden_rows, similar_reasons
from app.matching.model import MatchModel, heaviest
from app.matching.passages import Passages, blend
from app.matching.reasons import ReasonBook, explain_pairs, term_reasons
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
from app.matching.topk import ColumnTopK, best_k, score_keys, top_k

# Scores are rounded to this many units per 1.0 before ordering, so that a pair scores the
# same whichever way it was computed (one item or a block) and ties fall back on ids.
SCALE = 1_000_000
# Query rows per sparse product block: bounds memory to about BLOCK_ROWS x candidates x 50 B
# per worker thread.
BLOCK_ROWS = 64
# Largest product (query rows x candidates) computed without scipy's counting pass: room for
# every entry is made up front (8 bytes each).
DIRECT_PRODUCT_MAX = 1 << 24
try:  # the routines behind scipy's own sparse product; private, so the public product stands in
    from scipy.sparse._sparsetools import csr_matmat, csr_todense
except ImportError:  # pragma: no cover (another scipy version)
    csr_matmat = csr_todense = None
# Threads scoring blocks of a rebuild (our servers have 2 cores).
WORKERS = 2
T = TypeVar("T")


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
    rows, keys = top_k(score_keys(micro, side.id_rank), k)
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
    ``reasons=False`` the matches carry no reasons (same pairs and scores, faster).

    Blocks are scored, and their pairs' evidence gathered, in WORKERS threads (sparse
    products and numpy passes release the GIL); this thread only formats and yields.
    """
    stamp = now_timestamp(now)
    feedback_by_code = {model.books.orgs.code(o, grow=False): f for o, f in (feedback_by_org or {}).items()}
    feedback_by_code.pop(-1, None)  # organisations without items in the model
    challenges, solutions = model.sides[CHALLENGE], model.sides[SOLUTION]
    columns = ColumnTopK(k, len(solutions.ids), len(challenges.ids))
    # Closed or expired challenges are neither ranked nor recommended: skip their rows.
    open_rows = np.flatnonzero(_query_open(challenges.facts, CHALLENGE, stamp))
    blocks = [open_rows[start : start + BLOCK_ROWS] for start in range(0, len(open_rows), BLOCK_ROWS)]
    book = ReasonBook(model, stamp) if reasons else None
    with ThreadPoolExecutor(WORKERS) as pool:
        explainer = _Explainer(model, stamp, pool) if reasons else None
        scored = (partial(_score_block, model, rows, k, stamp, columns, explainer) for rows in blocks)
        for pairs, column_part in _in_order(pool, scored):
            yield from _emit(model, pairs, book, stamp, feedback_by_code)
            columns.extend(column_part)
        for pairs in _in_order(pool, _column_blocks(model, *columns.result(), explainer)):
            yield from _emit(model, pairs, book, stamp, feedback_by_code)


def _in_order(pool: ThreadPoolExecutor, tasks: Iterable[Callable[[], T]]) -> Iterator[T]:
    """Run ``tasks`` in the pool, results in order. At most 2 x WORKERS are submitted ahead:
    workers go on while this thread merges or formats, and memory stays bounded (a finished
    block keeps only its best pairs)."""
    pending: deque[Future] = deque()
    for task in tasks:
        pending.append(pool.submit(task))
        if len(pending) >= 2 * WORKERS:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _score_block(
    model: MatchModel, rows: np.ndarray, k: int, stamp: float, columns: ColumnTopK,
    explainer: _Explainer | None,
) -> tuple[_Pairs, tuple]:
    """Scores of challenge ``rows`` against every solution: their best pairs (explained) and
    the entries that may enter the solutions' own top k."""
    micro = _block_micro(model, CHALLENGE, rows, stamp)
    cand_rows, keys = best_k(micro, model.sides[SOLUTION].id_rank, k)
    column_part = columns.select(micro, rows, model.sides[CHALLENGE].id_rank[rows])
    del micro  # before explaining: a block's scores are its largest array
    return _kept_pairs(model, CHALLENGE, rows, cand_rows, keys, explainer), column_part


def _column_blocks(
    model: MatchModel, best_keys: np.ndarray, best_rows: np.ndarray, explainer: _Explainer | None,
) -> Iterator[Callable[[], _Pairs]]:
    """Tasks turning the solutions' top k challenges (k x solutions) into blocks of pairs."""
    order = np.argsort(-best_keys, axis=0)
    keys = np.take_along_axis(best_keys, order, axis=0).T
    cand_rows = np.take_along_axis(best_rows, order, axis=0).T
    n_rows, size = len(model.sides[SOLUTION].ids), BLOCK_ROWS * 8
    for start in range(0, n_rows, size):
        block = slice(start, min(start + size, n_rows))
        yield partial(_kept_pairs, model, SOLUTION, np.arange(block.start, block.stop), cand_rows[block],
                      keys[block], explainer)


@dataclass
class _Pairs:
    """The kept pairs of a block of query rows: those of ``rows[i]`` are ``bounds[i]:bounds[i + 1]``."""

    kind: Kind
    rows: list[int]
    bounds: list[int]
    cands: list[int]
    values: list[float]
    k: int
    evidence: Evidence | None


def _kept_pairs(
    model: MatchModel, kind: Kind, rows: np.ndarray, cand_rows: np.ndarray, keys: np.ndarray,
    explainer: _Explainer | None,
) -> _Pairs:
    """The pairs of ``keys >= 0``, with their scores and (given an explainer) evidence."""
    query_index, rank = np.nonzero(keys >= 0)
    cands = cand_rows[query_index, rank]
    micro = keys[query_index, rank] // max(len(model.sides[other_kind(kind)].ids), 1)
    evidence = explainer.gather(kind, rows[query_index], cands) if explainer else None
    bounds = np.searchsorted(query_index, np.arange(len(rows) + 1)).tolist()
    # (micro / SCALE) is _score, vectorised
    return _Pairs(kind, rows.tolist(), bounds, cands.tolist(), (micro / SCALE).tolist(), keys.shape[1], evidence)


class _Explainer:
    """Gathers the evidence of blocks of pairs; safe in worker threads (numpy only)."""

    def __init__(self, model: MatchModel, stamp: float, pool: ThreadPoolExecutor) -> None:
        self.model, self.stamp = model, stamp
        # First in the pool's queue, so no block waits for it behind other blocks.
        self.heavy = pool.submit(lambda: {kind: heaviest_terms(side.matrix) for kind, side in model.sides.items()})

    def gather(self, kind: Kind, query_rows: np.ndarray, cand_rows: np.ndarray) -> Evidence:
        """Evidence of the pairs (``query_rows[i]``, ``cand_rows[i]``) of a ``kind`` query."""
        heavy = self.heavy.result()
        return gather(self.model, kind, heavy[kind][query_rows], self.model.sides[kind].facts, query_rows,
                      heavy[other_kind(kind)][cand_rows], cand_rows, self.stamp)


def _emit(
    model: MatchModel, pairs: _Pairs, book: ReasonBook | None, stamp: float,
    feedback_by_code: Mapping[int, Feedback],
) -> Iterator[Match]:
    """Matches of a block, query by query; a query whose organisation gave feedback is
    ranked again on its own with it."""
    side = model.sides[pairs.kind]
    cand_ids = model.sides[other_kind(pairs.kind)].ids
    reasons_of = _pair_reasons(pairs.evidence, book)
    cands, values, bounds = pairs.cands, pairs.values, pairs.bounds
    for i, row in enumerate(pairs.rows):
        feedback = feedback_by_code.get(int(side.facts.org[row])) if feedback_by_code else None
        if feedback is not None:
            yield from _rank_vector(model, pairs.kind, side.matrix[[row]], side.facts.take(np.array([row])),
                                    side.ids[row], pairs.k, feedback, stamp, side.passages.take(np.array([row])))
            continue
        query_id = side.ids[row]
        if pairs.kind == CHALLENGE:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(query_id, cand_ids[cands[p]], values[p], reasons_of(p))
        else:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(cand_ids[cands[p]], query_id, values[p], reasons_of(p))


def _pair_reasons(evidence: Evidence | None, book: ReasonBook | None) -> Callable[[int], list[Reason]]:
    """Pair index -> a new list of its reasons (made when the match is, not kept per block)."""
    if evidence is None or book is None:
        return lambda p: []
    heads, tails = book.heads(evidence), book.tails(evidence)
    term_of, signals_of = evidence.term_of_pair.tolist(), evidence.signal_of_pair.tolist()
    return lambda p: [*heads[term_of[p]], *tails[signals_of[p]]]


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
    rows, keys = best_k(micro, model.sides[cand_kind].id_rank, k)
    rows = rows[0][keys[0] >= 0]
    pairs = np.zeros(len(rows), dtype=np.int64)
    reasons = explain_pairs(model, kind, heaviest(vector)[pairs], facts, pairs, rows, stamp)
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
    text = blend(_dense_product(vectors, cand.postings), vectors, passages, cand.postings, cand.passages,
                 model.settings.passage_weight, _dense_product)
    # In place (a block holds millions of pairs); the same float32 operations, so the same scores.
    text *= pair_multiplier(facts, kind, cand.facts, stamp)
    text *= SCALE
    micro = np.rint(text, out=text).astype(np.int32)
    micro[~eligible(facts, cand.facts, cand_kind, stamp)] = 0
    return micro


def _dense_product(queries: sp.spmatrix, postings: sp.spmatrix) -> np.ndarray:
    """``(queries @ postings).toarray()``, by the very routine scipy's product calls, minus its
    first pass (counting the result's entries, about a third of the time): a block's result
    is nearly dense, so room for every entry is made up front. Other cases take the public path.
    """
    n_rows, n_columns = queries.shape[0], postings.shape[1]
    arrays = (queries.indptr, queries.indices, postings.indptr, postings.indices) \
        if queries.format == postings.format == "csr" else ()
    if csr_matmat is None or not arrays or n_rows * n_columns > DIRECT_PRODUCT_MAX \
            or queries.dtype != postings.dtype or any(a.dtype != np.int32 for a in arrays):
        return (queries @ postings).toarray()
    indptr = np.empty(n_rows + 1, dtype=np.int32)
    indices = np.empty(n_rows * n_columns, dtype=np.int32)
    data = np.empty(n_rows * n_columns, dtype=queries.dtype)
    csr_matmat(n_rows, n_columns, queries.indptr, queries.indices, queries.data,
               postings.indptr, postings.indices, postings.data, indptr, indices, data)
    dense = np.zeros((n_rows, n_columns), dtype=queries.dtype)
    csr_todense(n_rows, n_columns, indptr, indices, data, dense)
    return dense


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


def _match(model: MatchModel, kind: Kind, query_id: ItemId, cand_row: int, score: float,
           reasons: list[Reason]) -> Match:
    cand_id = model.sides[other_kind(kind)].ids[cand_row]
    if kind == CHALLENGE:
        return Match(query_id, cand_id, score, reasons)
    return Match(cand_id, query_id, score, reasons)


def _score(micro: int) -> float:
    return round(int(micro) / SCALE, 6)

