"""Relevance feedback: steer one organisation's query towards what it marked relevant (Rocchio)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from app.matching.model import MatchModel, Side
from app.matching.records import Feedback, Kind, Reason

# Classic Rocchio weights: keep the query, lean towards liked items, away from disliked ones
# (negative feedback is noisier, so it weighs less).
ALPHA = 1.0
BETA = 0.75
GAMMA = 0.25
# A candidate is said to be "similar to" a liked item only when their texts are this close
# (BM25-weighted cosines run lower than tf-idf ones: common words weigh less).
SIMILAR_REASON_MIN = 0.1


def adjust_query(
    model: MatchModel, query: sp.csr_matrix, cand_kind: Kind, feedback: Feedback
) -> sp.csr_matrix:
    """Return ALPHA*q + BETA*mean(relevant) - GAMMA*mean(not relevant), L2-normalised.

    Ids refer to items of ``cand_kind`` (the side being ranked); unknown ids are ignored.
    Negative weights are clipped to zero so scores stay in [0, 1].
    """
    side = model.sides[cand_kind]
    relevant = _rows(side, feedback.relevant)
    not_relevant = _rows(side, feedback.not_relevant)
    adjusted = ALPHA * query
    if len(relevant):
        adjusted = adjusted + BETA * _mean(side.matrix[relevant])
    if len(not_relevant):
        adjusted = adjusted - GAMMA * _mean(side.matrix[not_relevant])
    adjusted = sp.csr_matrix(adjusted, dtype=np.float32)
    adjusted.data = np.maximum(adjusted.data, 0)
    adjusted.eliminate_zeros()
    return normalize(adjusted, norm="l2")


def hidden_rows(model: MatchModel, cand_kind: Kind, feedback: Feedback) -> np.ndarray:
    """Rows of the candidate side the organisation hid."""
    return _rows(model.sides[cand_kind], feedback.hidden)


def similar_reasons(
    model: MatchModel, cand_kind: Kind, feedback: Feedback, cand_rows: np.ndarray
) -> list[Reason | None]:
    """For each candidate, "similar to <title> that you marked relevant", or None."""
    side = model.sides[cand_kind]
    relevant = _rows(side, feedback.relevant)
    if not len(relevant) or not len(cand_rows):
        return [None] * len(cand_rows)
    similarity = (side.matrix[cand_rows] @ side.matrix[relevant].T).toarray()
    similarity[relevant[None, :] == np.asarray(cand_rows)[:, None]] = -1.0  # not "similar to itself"
    best = similarity.argmax(axis=1)
    reasons: list[Reason | None] = []
    for i in range(len(cand_rows)):
        liked = int(relevant[best[i]])
        if similarity[i, best[i]] < SIMILAR_REASON_MIN:
            reasons.append(None)
            continue
        title = side.titles[liked]
        data = {"item_id": side.ids[liked], "similarity": round(float(similarity[i, best[i]]), 3)}
        reasons.append(Reason("feedback", f"similar to {title} that you marked relevant", data))
    return reasons


def _rows(side: Side, ids: frozenset) -> np.ndarray:
    rows = sorted(side.rows[item_id] for item_id in ids if item_id in side.rows)
    return np.array(rows, dtype=np.int64)


def _mean(matrix: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(matrix.mean(axis=0))
