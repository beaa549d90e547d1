"""Recommendations in the app: full rebuilds, feedback as engine input, look-alikes (one-item refreshes: refresh.py)."""
from __future__ import annotations

import json
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import JSON, Text, bindparam, cast, delete, insert, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.matching import SOLUTION, Feedback, fit, similar_challenges, top_k_all
from app.matching import Match as EngineMatch
from app.models import Challenge, Match, MatchFeedback, Organisation, Solution
from app.services.recommendations import due
from app.services.recommendations import model_store as match_store
from app.services.recommendations.engine_items import challenge_item, solution_item

TOP_K = 20
VERDICTS = ("relevant", "not_relevant", "hidden")
INSERT_BATCH = 1000


@dataclass
class RebuildReport:
    challenges: int
    solutions: int
    matches: int
    model_version: str
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"Matched {self.challenges} challenges and {self.solutions} solutions: "
                f"{self.matches} matches stored (model {self.model_version[:12]}, {self.seconds:.1f} s).")


@dataclass
class RebuildProgress:
    """Callbacks for a long rebuild: ``start(total)`` once, then ``advance(n)``."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[int], None] = lambda n: None


def org_feedback(session: Session, org_id: int) -> dict[str, Feedback]:
    """The organisation's marks as engine feedback, keyed by the side being ranked."""
    rows = session.execute(select(MatchFeedback).where(MatchFeedback.organisation_id == org_id)).scalars()
    marks: dict[str, dict[str, set[int]]] = {side: defaultdict(set) for side in ("solution", "challenge")}
    for row in rows:
        # A buyer marks solutions (for its challenges); an innovator marks challenges.
        marks["solution"][row.verdict].add(row.solution_id)
        marks["challenge"][row.verdict].add(row.challenge_id)
    return {side: Feedback.of(m["relevant"], m["not_relevant"], ()) for side, m in marks.items()}


def rebuild(session: Session, progress: RebuildProgress | None = None, now: datetime | None = None) -> RebuildReport:
    """Refit the model on every challenge and solution and replace all stored matches.

    The engine's matches are gathered into compact arrays (ids, score, an index into the distinct
    serialised reason lists) rather than objects, and stored with Core inserts in batches: a few
    bytes per pair instead of an ORM object and a list of dicts. One transaction: the old matches
    are deleted, the model saved and the new matches inserted before a single commit. Items waiting for
    a refresh when it started are covered by it and no longer due.
    """
    progress = progress or RebuildProgress()
    started = utcnow()
    waiting = due.seen(session)  # read before the items: every change these rows stand for is then read
    challenges = list(session.scalars(select(Challenge).order_by(Challenge.id)))
    solutions = list(session.scalars(select(Solution).order_by(Solution.id)))
    model = fit([challenge_item(c) for c in challenges], [solution_item(s) for s in solutions])
    feedback_by_org = _all_feedback(session)
    pairs = _StoredPairs.gather(top_k_all(model, TOP_K, now, feedback_by_org))
    # End the read before writing: SQLite cannot turn a stale reader into a writer once an item was
    # published meanwhile; that item's due row, unseen above, stays due.
    session.commit()
    progress.start(len(pairs))
    session.execute(delete(Match))
    match_store.save_model(session, model, len(challenges), len(solutions))
    statement = insert(Match.__table__).values(reasons=_reasons_param(session))
    for batch in pairs.batches(model.version, INSERT_BATCH):
        session.execute(statement, batch)
        progress.advance(len(batch))
    due.forget_seen(session, waiting)
    session.commit()
    seconds = (utcnow() - started).total_seconds()
    return RebuildReport(len(challenges), len(solutions), len(pairs), model.version, seconds)


def _all_feedback(session: Session) -> dict[int, Feedback]:
    """Each organisation's marks on the side it ranks: a buyer's on solutions, an innovator's on
    challenges (the two sides' ids overlap, so they must not be mixed into one set)."""
    org_sides = session.execute(
        select(Organisation.id, Organisation.side)
        .where(Organisation.id.in_(select(MatchFeedback.organisation_id).distinct()))).all()
    return {org_id: org_feedback(session, org_id)["solution" if side == "buyer" else "challenge"]
            for org_id, side in org_sides}


class _StoredPairs:
    """Every pair to store, as parallel arrays sorted by (challenge id, solution id).

    One row per pair, though a pair may come in both directions (the challenge's list and the
    solution's): its score and own reasons are the same either way (feedback never changes
    them). What differs is each list's ``rank_score`` (feedback reorders an organisation's own
    lists) and its feedback reason, so both are kept per side: ``rank_score_for_challenge``
    from the challenge's list (the score when the pair is only in the other), and likewise for
    the solution; feedback reasons are stored tagged with the side they are for.
    ``rank_for_challenge`` is the pair's place among the challenge's pairs by that rank score
    then solution id, if within the top ``TOP_K`` (``rank_for_solution`` likewise), 0 for none.
    Reasons are kept once per distinct list, already serialised as the JSON column would be.
    """

    def __init__(self, challenge_ids, solution_ids, scores, rank_scores, from_challenge, reason_index,
                 extra_index, reason_texts: list[str]) -> None:
        keep, pair_of = _first_per_pair(challenge_ids, solution_ids, scores)
        self.challenge_ids = challenge_ids[keep]
        self.solution_ids = solution_ids[keep]
        self.scores = scores[keep]
        self.reason_index = reason_index[keep]
        self.reason_texts = reason_texts
        self.by_side = {}
        for side, mine in (("challenge", from_challenge), ("solution", ~from_challenge)):
            rank, extra = self.scores.copy(), np.full(len(keep), -1, dtype=np.int64)
            rank[pair_of[mine]], extra[pair_of[mine]] = rank_scores[mine], extra_index[mine]
            self.by_side[side] = (rank, extra)
        self.rank_for_challenge = _ranks(self.challenge_ids, self.solution_ids, self.by_side["challenge"][0])
        self.rank_for_solution = _ranks(self.solution_ids, self.challenge_ids, self.by_side["solution"][0])

    @classmethod
    def gather(cls, matches: Iterable[EngineMatch]) -> _StoredPairs:
        challenge_ids, solution_ids, scores, rank_scores = array("q"), array("q"), array("d"), array("d")
        from_challenge, reason_index, extra_index = array("b"), array("q"), array("q")
        fragments: dict[tuple, str] = {}
        texts: dict[str, int] = {}
        for match in matches:
            side = "solution" if match.query_kind == SOLUTION else "challenge"
            own, extra = [], -1
            for reason in match.reasons:
                for_side = side if reason.kind == "feedback" else None
                key = (reason.kind, reason.text, for_side)
                part = fragments.get(key)
                if part is None:
                    part = fragments[key] = json.dumps(reason_entry(reason, for_side))
                if for_side is None:
                    own.append(part)
                else:
                    extra = texts.setdefault(part, len(texts))
            challenge_ids.append(match.challenge_id)
            solution_ids.append(match.solution_id)
            scores.append(match.score)
            rank_scores.append(match.rank_score)
            from_challenge.append(side == "challenge")
            reason_index.append(texts.setdefault(", ".join(own), len(texts)))
            extra_index.append(extra)
        return cls(np.frombuffer(challenge_ids, np.int64), np.frombuffer(solution_ids, np.int64),
                   np.frombuffer(scores, np.float64), np.frombuffer(rank_scores, np.float64),
                   np.frombuffer(from_challenge, np.int8).astype(bool), np.frombuffer(reason_index, np.int64),
                   np.frombuffer(extra_index, np.int64), list(texts))

    def __len__(self) -> int:
        return len(self.challenge_ids)

    def batches(self, version: str, size: int) -> Iterator[list[dict]]:
        """Insert parameters, ``size`` rows at a time (``reasons_json`` is the serialised reasons)."""
        texts = self.reason_texts
        (by_c_key, by_c_extra), (by_s_key, by_s_extra) = self.by_side["challenge"], self.by_side["solution"]
        for start in range(0, len(self), size):
            end = start + size
            yield [
                {"challenge_id": c, "solution_id": s, "score": score, "rank_for_challenge": by_c or None,
                 "rank_for_solution": by_s or None, "rank_score_for_challenge": key_c,
                 "rank_score_for_solution": key_s,
                 "reasons_json": "[" + ", ".join(texts[i] for i in (r, extra_c, extra_s) if i >= 0 and texts[i]) + "]",
                 "model_version": version}
                for c, s, score, by_c, by_s, key_c, key_s, r, extra_c, extra_s in zip(
                    self.challenge_ids[start:end].tolist(), self.solution_ids[start:end].tolist(),
                    self.scores[start:end].tolist(), self.rank_for_challenge[start:end].tolist(),
                    self.rank_for_solution[start:end].tolist(), by_c_key[start:end].tolist(),
                    by_s_key[start:end].tolist(), self.reason_index[start:end].tolist(),
                    by_c_extra[start:end].tolist(), by_s_extra[start:end].tolist(), strict=True)
            ]


def _first_per_pair(
    challenge_ids: np.ndarray, solution_ids: np.ndarray, scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the match kept for each pair, in (challenge, solution) order (the highest
    score, the first seen among equals: np.lexsort is stable), and each match's pair number."""
    order = np.lexsort((-scores, solution_ids, challenge_ids))
    c, s = challenge_ids[order], solution_ids[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (c[1:] != c[:-1]) | (s[1:] != s[:-1])
    pair_of = np.empty(len(order), dtype=np.int64)
    pair_of[order] = np.cumsum(first) - 1
    return order[first], pair_of


def _ranks(own_ids: np.ndarray, other_ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Each pair's 1-based place among its ``own_ids`` item's pairs (by rank score ``keys``,
    then the other id), 0 beyond ``TOP_K``."""
    order = np.lexsort((other_ids, -keys, own_ids))
    grouped = own_ids[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = grouped[1:] != grouped[:-1]
    start_of = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    place = np.arange(len(order)) - start_of + 1
    ranks = np.zeros(len(order), dtype=np.int64)
    ranks[order] = np.where(place <= TOP_K, place, 0)
    return ranks


def _reasons_param(session: Session):
    """The reasons come already serialised: bound as text (SQLite stores JSON as text), cast
    to JSON on PostgreSQL, so the column gets the same value the JSON type would have written."""
    param = bindparam("reasons_json", type_=Text)
    return cast(param, JSON) if session.get_bind().dialect.name == "postgresql" else param


def reason_entry(reason, for_side: str | None = None) -> dict:
    """How one reason is stored in a match's ``reasons`` JSON list; a feedback reason names the
    side whose owner it is for (it speaks of that organisation's marks)."""
    entry = {"kind": reason.kind, "text": reason.text}
    return {**entry, "for": for_side} if for_side else entry


def reasons_json(match: EngineMatch) -> list[dict]:
    side = "solution" if match.query_kind == SOLUTION else "challenge"
    return [reason_entry(reason, side if reason.kind == "feedback" else None) for reason in match.reasons]


@dataclass
class Neighbour:
    challenge: Challenge
    score: float
    reasons: list[str] = field(default_factory=list)


def similar_open_challenges(session: Session, draft: Challenge, k: int = 5) -> list[Neighbour]:
    """Open challenges of other organisations that look like ``draft`` (to reuse, not duplicate)."""
    model = match_store.current_model(session)
    if model is None:
        return []
    found = []
    for neighbour in similar_challenges(model, challenge_item(draft), k * 3):
        other = session.get(Challenge, neighbour.id)
        if other is not None and other.status == "open" and other.organisation_id != draft.organisation_id \
                and getattr(other, "hidden_at", None) is None:
            found.append(Neighbour(other, neighbour.score, [r.text for r in neighbour.reasons]))
    return found[:k]
