"""Relevance feedback: reorder one organisation's list towards what it marked relevant (Rocchio).

The steered query only orders the list; each pair keeps its own score (see ranking.rank_vector).
"""

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
# A marked item's title is cut to about this many characters in a feedback reason.
TITLE_CHARS = 60


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


def feedback_reasons(
    model: MatchModel, cand_kind: Kind, feedback: Feedback, cand_rows: np.ndarray, moved: np.ndarray,
) -> list[Reason | None]:
    """For each listed candidate, the reason feedback moved it, or None.

    ``moved[i]`` is how many places candidate i rose (> 0) or fell (< 0) against the list its
    own scores give. A candidate that rose and resembles an item marked relevant says
    "ranked higher: similar to “<title>” that you marked relevant"; one that fell and
    resembles an item marked not relevant says "ranked lower: ... not relevant". Resembles:
    text cosine at least SIMILAR_REASON_MIN, the most similar marked item named. A marked
    item that moved says so ("ranked higher: you marked it relevant").
    """
    side = model.sides[cand_kind]
    found: list[Reason | None] = [None] * len(cand_rows)
    for marked, sign, direction, verdict in ((feedback.relevant, 1, "higher", "relevant"),
                                             (feedback.not_relevant, -1, "lower", "not relevant")):
        rows = _rows(side, marked)
        chosen = np.flatnonzero(np.sign(moved) == sign)
        if not len(rows) or not len(chosen):
            continue
        similarity = (side.matrix[cand_rows[chosen]] @ side.matrix[rows].T).toarray()
        itself = rows[None, :] == cand_rows[chosen][:, None]
        similarity[itself] = -1.0  # a marked item is not "similar to" itself: it says it was marked
        best = similarity.argmax(axis=1)
        for j, (i, b) in enumerate(zip(chosen.tolist(), best.tolist(), strict=True)):
            if itself[j].any():
                found[i] = Reason("feedback", f"ranked {direction}: you marked it {verdict}", {"moved": int(moved[i])})
                continue
            value = float(similarity[j, b])
            if value < SIMILAR_REASON_MIN:
                continue
            title = _short(side.titles[rows[b]])
            data = {"item_id": side.ids[rows[b]], "similarity": round(value, 3), "moved": int(moved[i])}
            found[i] = Reason("feedback", f"ranked {direction}: similar to “{title}” that you marked {verdict}",
                              data)
    return found


def _short(title: str) -> str:
    """A title short enough for a reason line (cut at a word, marked with an ellipsis)."""
    title = " ".join(title.split())
    if len(title) <= TITLE_CHARS:
        return title
    return title[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def _rows(side: Side, ids: frozenset) -> np.ndarray:
    rows = sorted(side.rows[item_id] for item_id in ids if item_id in side.rows)
    return np.array(rows, dtype=np.int64)


def _mean(matrix: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(matrix.mean(axis=0))
