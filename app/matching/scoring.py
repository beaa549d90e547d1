"""How a pair's score is computed: text cosine, passage blend, signal factor, feedback, rounding."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import scipy.sparse as sp

from app.matching.fast.product import dense_product
from app.matching.fast.signal_bytes import pair_multiplier
from app.matching.feedback import adjust_query, hidden_rows
from app.matching.model import MatchModel
from app.matching.passages import Passages, blend
from app.matching.records import CHALLENGE, Feedback, Kind, other_kind
from app.matching.signals import Facts, eligible, now_timestamp

# Scores are rounded to this many units per 1.0 before ordering, so that a pair scores the
# same whichever way it was computed (one item or a block) and ties fall back on ids.
SCALE = 1_000_000


def pair_scores(
    model: MatchModel, kind: Kind, queries: sp.csr_matrix, facts: Facts, stamp: float, passages: Passages,
) -> np.ndarray:
    """Scores of query rows against every candidate, in units of 1/SCALE (int32); 0 = not eligible.

    For a query q and a candidate c, whose term vectors are BM25-weighted and L2-normalised
    (so a dot product is a cosine), and w = ``settings.passage_weight``::

        best(q, c)   = max(cos(q, c), max over c's passages p of cos(q, p),
                                      max over q's passages p of cos(p, c))
        text(q, c)   = (1 - w) * cos(q, c) + w * best(q, c)
        factor(q, c) = (1 + sum of the bonuses of the signals that fire) / (1 + SIGNAL_TOTAL)
        score(q, c)  = round(SCALE * text(q, c) * factor(q, c))   if c is eligible for q, else 0

    The signals (bonuses in signals.py): a shared sector, shared tags (counted up to
    TAGS_FULL), the solution's TRL reaching the challenge's, the same country, the
    challenge's deadline still open. Eligible: the candidate is active, of another
    organisation and, for a challenge, not past its deadline. With feedback, the candidates
    the organisation hid score 0 (``feedback_scores``), and a second, steered query (``steer``)
    gives the list's order only (``Match.rank_score``), never a pair's score.

    ``facts`` and ``passages`` are the query rows' own (passage owners numbered like the rows).
    ``dense_product`` and ``pair_multiplier`` are the fast equals of ``(a @ b).toarray()`` and
    of the plain factor above (see app/matching/fast).
    """
    cand_kind = other_kind(kind)
    cand = model.sides[cand_kind]
    cosine = dense_product(queries, cand.postings)
    text = blend(cosine, queries, passages, cand.postings, cand.passages, model.settings.passage_weight,
                 dense_product)
    # In place (a block holds millions of pairs); the same float32 operations, so the same scores.
    text *= pair_multiplier(facts, kind, cand.facts, stamp)
    text *= SCALE
    micro = np.rint(text, out=text).astype(np.int32)
    micro[~eligible(facts, cand.facts, cand_kind, stamp)] = 0
    return micro


def steer(model: MatchModel, query: sp.csr_matrix, cand_kind: Kind, feedback: Feedback) -> sp.csr_matrix:
    """The query as an organisation's marks steer it (Rocchio, see feedback.adjust_query)::

        q' = normalise(max(0, ALPHA * q + BETA * mean(relevant) - GAMMA * mean(not relevant)))
    """
    if feedback.relevant or feedback.not_relevant:
        return adjust_query(model, query, cand_kind, feedback)
    return query


def feedback_scores(
    model: MatchModel, kind: Kind, query: sp.csr_matrix, facts: Facts, feedback: Feedback, stamp: float,
    passages: Passages,
) -> np.ndarray:
    """``pair_scores`` of one query (as written, or steered for ordering), with the candidates
    the organisation hid scored 0."""
    micro = pair_scores(model, kind, query, facts, stamp, passages)
    micro[0, hidden_rows(model, other_kind(kind), feedback)] = 0
    return micro


def block_scores(model: MatchModel, kind: Kind, rows: np.ndarray, stamp: float) -> np.ndarray:
    """``pair_scores`` of side rows ``rows``; a closed query gets no recommendation at all."""
    side = model.sides[kind]
    facts = side.facts.take(rows)
    micro = pair_scores(model, kind, side.matrix[rows], facts, stamp, side.passages.take(rows))
    micro[~query_open(facts, kind, stamp)] = 0
    return micro


def query_open(facts: Facts, kind: Kind, stamp: float) -> np.ndarray:
    """Which queries are ranked at all: active ones, and for challenges a deadline not passed."""
    is_open = facts.active.copy()
    if kind == CHALLENGE:
        is_open &= ~(facts.deadline <= stamp)
    return is_open


def to_score(micro: int) -> float:
    """A score in micro-units as the float a Match carries."""
    return round(int(micro) / SCALE, 6)


def score_matrix(model: MatchModel, now: datetime | None = None) -> np.ndarray:
    """Dense challenge x solution scores as ranked by the app (0 = never recommended).

    For evaluation on small corpora; the app itself uses top_k_all, which never holds
    the whole matrix.
    """
    stamp = now_timestamp(now)
    rows = np.arange(len(model.sides[CHALLENGE].ids))
    return block_scores(model, CHALLENGE, rows, stamp) / SCALE
