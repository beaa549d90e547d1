"""The ranking calls of one item: its best candidates, or the challenges most like a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import scipy.sparse as sp

from app.matching.fast.heaviest import plain_heaviest
from app.matching.fast.topk import best_k, score_keys, top_k
from app.matching.feedback import similar_reasons
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
    shared = vector[np.zeros(len(rows), dtype=np.int64)].multiply(side.matrix[rows]).tocsr()
    return [
        SimilarChallenge(side.ids[r], to_score(micro[0, r]), reasons[:1])
        for r, reasons in zip(rows, term_reasons(model, shared), strict=True)
    ]


def _rank_item(
    model: MatchModel, item: Item, k: int, feedback: Feedback, now: datetime | None
) -> list[Match]:
    stamp = now_timestamp(now)
    return rank_vector(model, item.kind, model.transform([item]), Facts.of([item], model.books),
                       item.id, k, feedback, stamp, model.transform_passages([item]))


def rank_vector(
    model: MatchModel, kind: Kind, vector: sp.csr_matrix, facts: Facts,
    query_id: ItemId, k: int, feedback: Feedback, stamp: float, passages: Passages,
) -> list[Match]:
    """Best ``k`` matches of one query row (its vector, facts and passages), with reasons."""
    cand_kind = other_kind(kind)
    vector = steer(model, vector, cand_kind, feedback)
    micro = feedback_scores(model, kind, vector, facts, feedback, stamp, passages)
    rows, keys = best_k(micro, model.sides[cand_kind].id_rank, k)
    rows = rows[0][keys[0] >= 0]
    pairs = np.zeros(len(rows), dtype=np.int64)
    reasons = explain_pairs(model, kind, plain_heaviest(vector)[pairs], facts, pairs, rows, stamp)
    for pair, extra in zip(reasons, similar_reasons(model, cand_kind, feedback, rows), strict=True):
        if extra is not None:
            pair.append(extra)
    return [_match(model, kind, query_id, r, to_score(micro[0, r]), why)
            for r, why in zip(rows, reasons, strict=True)]


def _match(model: MatchModel, kind: Kind, query_id: ItemId, cand_row: int, score: float,
           reasons: list[Reason]) -> Match:
    cand_id = model.sides[other_kind(kind)].ids[cand_row]
    if kind == CHALLENGE:
        return Match(query_id, cand_id, score, reasons)
    return Match(cand_id, query_id, score, reasons)
