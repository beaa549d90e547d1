"""A full rebuild: every open query's top k both ways, scored in blocks of rows in worker threads."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

import numpy as np

from app.matching.evidence import Evidence, gather
from app.matching.fast.heaviest import heaviest_terms
from app.matching.fast.topk import ColumnTopK, best_k
from app.matching.model import MatchModel
from app.matching.ranking import rank_vector
from app.matching.reasons import ReasonBook
from app.matching.records import CHALLENGE, SOLUTION, Feedback, ItemId, Kind, Match, Reason, other_kind
from app.matching.scoring import SCALE, block_scores, query_open
from app.matching.signals import now_timestamp

# Query rows per sparse product block: bounds memory to about BLOCK_ROWS x candidates x 50 B
# per worker thread.
BLOCK_ROWS = 64
# Threads scoring blocks of a rebuild (our servers have 2 cores).
WORKERS = 2
T = TypeVar("T")


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
    open_rows = np.flatnonzero(query_open(challenges.facts, CHALLENGE, stamp))
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
    micro = block_scores(model, CHALLENGE, rows, stamp)
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
    # (micro / SCALE) is scoring.to_score, vectorised
    return _Pairs(kind, rows.tolist(), bounds, cands.tolist(), (micro / SCALE).tolist(), keys.shape[1], evidence)


class _Explainer:
    """Gathers the evidence of blocks of pairs; safe in worker threads (numpy only)."""

    def __init__(self, model: MatchModel, stamp: float, pool: ThreadPoolExecutor) -> None:
        self.model, self.stamp = model, stamp
        # First in the pool's queue, so no block waits for it behind other blocks.
        self.heavy = pool.submit(lambda: {kind: heaviest_terms(side.display) for kind, side in model.sides.items()})

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
            yield from rank_vector(model, pairs.kind, side.matrix[[row]], side.facts.take(np.array([row])),
                                   side.ids[row], pairs.k, feedback, stamp, side.passages.take(np.array([row])),
                                   side.display[[row]])
            continue
        query_id = side.ids[row]
        if pairs.kind == CHALLENGE:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(query_id, cand_ids[cands[p]], values[p], reasons_of(p), query_kind=CHALLENGE)
        else:
            for p in range(bounds[i], bounds[i + 1]):
                yield Match(cand_ids[cands[p]], query_id, values[p], reasons_of(p), query_kind=SOLUTION)


def _pair_reasons(evidence: Evidence | None, book: ReasonBook | None) -> Callable[[int], list[Reason]]:
    """Pair index -> a new list of its reasons (made when the match is, not kept per block)."""
    if evidence is None or book is None:
        return lambda p: []
    heads, tails = book.heads(evidence), book.tails(evidence)
    term_of, signals_of = evidence.term_of_pair.tolist(), evidence.signal_of_pair.tolist()
    return lambda p: [*heads[term_of[p]], *tails[signals_of[p]]]
