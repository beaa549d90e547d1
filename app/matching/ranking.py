"""The ranking calls of one item: its best candidates, or the challenges most like a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import scipy.sparse as sp

from app.matching.fast.heaviest import plain_heaviest
from app.matching.fast.topk import best_k, score_keys, top_k
from app.matching.feedback import feedback_reasons
from app.matching.model import MatchModel
from app.matching.passages import Passages
from app.matching.reasons import explain_pairs, term_reasons
from app.matching.records import CHALLENGE, Feedback, Item, ItemId, Kind, Match, Reason, other_kind
from app.matching.scoring import SCALE, feedback_scores, steer, to_score
from app.matching.signals import Facts, now_timestamp


@dataclass(frozen=True)
class SimilarChallenge:
    """A challenge of the model whose text is close to a draft challenge's."""

    id: ItemId
    score: float
    reasons: list[Reason]


def rank_solutions_for_challenge(
    model: MatchModel, challenge: Item, k: int = 20,
    feedback: Feedback | None = None, now: datetime | None = None,
) -> list[Match]:
    """Best ``k`` solutions of the model for ``challenge`` (which need not be in the model).

    ``feedback`` is the challenge owner's: relevant/not-relevant solution ids reorder the
    list (``Match.rank_score``; each ``score`` stays the pair's own), hidden ones are never
    returned. ``now`` decides which deadlines are open.
    """
    return _rank_item(model, challenge, k, feedback or Feedback(), now)


def rank_challenges_for_solution(
    model: MatchModel, solution: Item, k: int = 20,
    feedback: Feedback | None = None, now: datetime | None = None,
) -> list[Match]:
    """Best ``k`` challenges of the model for ``solution``; see rank_solutions_for_challenge."""
    return _rank_item(model, solution, k, feedback or Feedback(), now)


def similar_challenges(model: MatchModel, draft: Item, k: int = 10) -> list[SimilarChallenge]:
    """Active challenges of the model whose text is closest to ``draft`` (itself excluded).

    The score is the rounded cosine of the two texts alone (no passages, no signals).
    """
    side = model.sides[CHALLENGE]
    vector = model.transform([draft])
    micro = np.rint((vector @ side.matrix.T).toarray() * SCALE).astype(np.int64)
    micro[:, ~side.facts.active] = 0
    if draft.id in side.rows:
        micro[0, side.rows[draft.id]] = 0
    rows, keys = top_k(score_keys(micro, side.id_rank), k)
    rows = rows[0][keys[0] >= 0]
    display = model.display_vectors([draft], vector)
    shared = display[np.zeros(len(rows), dtype=np.int64)].multiply(side.display[rows]).tocsr()
    return [
        SimilarChallenge(side.ids[r], to_score(micro[0, r]), reasons[:1])
        for r, reasons in zip(rows, term_reasons(model, shared), strict=True)
    ]


def _rank_item(
    model: MatchModel, item: Item, k: int, feedback: Feedback, now: datetime | None
) -> list[Match]:
    stamp = now_timestamp(now)
    vector = model.transform([item])
    return rank_vector(model, item.kind, vector, Facts.of([item], model.books),
                       item.id, k, feedback, stamp, model.transform_passages([item]),
                       model.display_vectors([item], vector))


def rank_vector(
    model: MatchModel, kind: Kind, vector: sp.csr_matrix, facts: Facts,
    query_id: ItemId, k: int, feedback: Feedback, stamp: float, passages: Passages, display: sp.csr_matrix,
) -> list[Match]:
    """Best ``k`` matches of one query row (its vector, facts, passages and ``display`` vector:
    the terms it may show, see MatchModel.display_vectors), with reasons.

    Each match's ``score`` and shared terms come from the two texts alone. With relevant or
    not-relevant marks, the list is ordered by the score of the steered query (``rank_score``,
    see scoring.steer) among the pairs that have a score of their own, and a pair that
    feedback moved says why (feedback.feedback_reasons).
    """
    cand_kind = other_kind(kind)
    own = feedback_scores(model, kind, vector, facts, feedback, stamp, passages)
    steered = steer(model, vector, cand_kind, feedback)
    order = own
    if steered is not vector:
        order = feedback_scores(model, kind, steered, facts, feedback, stamp, passages)
        order[own == 0] = 0  # feedback reorders pairs with evidence of their own, never adds one
    rows, keys = best_k(order, model.sides[cand_kind].id_rank, k)
    rows = rows[0][keys[0] >= 0]
    pairs = np.zeros(len(rows), dtype=np.int64)
    reasons = explain_pairs(model, kind, plain_heaviest(display)[pairs], facts, pairs, rows, stamp)
    if order is not own:
        moved = _own_places(own, model.sides[cand_kind].id_rank, rows) - np.arange(len(rows))
        for pair, extra in zip(reasons, feedback_reasons(model, cand_kind, feedback, rows, moved), strict=True):
            if extra is not None:
                pair.append(extra)
    return [_match(model, kind, query_id, r, to_score(own[0, r]), why, to_score(order[0, r]))
            for r, why in zip(rows, reasons, strict=True)]


def _own_places(own: np.ndarray, id_rank: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """0-based place of candidates ``rows`` in the list their own scores give (ties by id)."""
    keys = score_keys(own, id_rank)[0]
    ordered = np.sort(keys)
    return len(keys) - np.searchsorted(ordered, keys[rows], side="right")


def _match(model: MatchModel, kind: Kind, query_id: ItemId, cand_row: int, score: float,
           reasons: list[Reason], rank_score: float) -> Match:
    cand_id = model.sides[other_kind(kind)].ids[cand_row]
    if kind == CHALLENGE:
        return Match(query_id, cand_id, score, reasons, rank_score, kind)
    return Match(cand_id, query_id, score, reasons, rank_score, kind)
