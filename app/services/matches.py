"""Recommendations in the app: full rebuilds, one-item refreshes, ranked lists, feedback, look-alikes."""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.matching import (
    Feedback,
    fit,
    rank_challenges_for_solution,
    rank_solutions_for_challenge,
    similar_challenges,
    top_k_all,
)
from app.matching import Match as EngineMatch
from app.models import Challenge, Match, MatchFeedback, Solution
from app.services import match_store
from app.services.match_records import challenge_item, item_for, solution_item

log = logging.getLogger(__name__)
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
    """Refit the model on every challenge and solution and replace all stored matches."""
    progress = progress or RebuildProgress()
    started = utcnow()
    challenges = list(session.scalars(select(Challenge).order_by(Challenge.id)))
    solutions = list(session.scalars(select(Solution).order_by(Solution.id)))
    model = fit([challenge_item(c) for c in challenges], [solution_item(s) for s in solutions])
    feedback_by_org = _all_feedback(session)
    pairs = _collect(top_k_all(model, TOP_K, now, feedback_by_org))
    progress.start(len(pairs))
    session.execute(delete(Match))
    match_store.save_model(session, model, len(challenges), len(solutions))
    rows = _rows(pairs, model.version)
    for start in range(0, len(rows), INSERT_BATCH):
        session.add_all(rows[start:start + INSERT_BATCH])
        session.flush()
        progress.advance(len(rows[start:start + INSERT_BATCH]))
    session.commit()
    seconds = (utcnow() - started).total_seconds()
    return RebuildReport(len(challenges), len(solutions), len(rows), model.version, seconds)


def _all_feedback(session: Session) -> dict[int, Feedback]:
    org_ids = set(session.scalars(select(MatchFeedback.organisation_id).distinct()))
    result = {}
    for org_id in org_ids:
        per_side = org_feedback(session, org_id)
        # An organisation is on one side only, so its marks concern the other side's ids.
        result[org_id] = Feedback.of(
            per_side["solution"].relevant | per_side["challenge"].relevant,
            per_side["solution"].not_relevant | per_side["challenge"].not_relevant,
        )
    return result


def _collect(matches) -> dict[tuple[int, int], EngineMatch]:
    """One entry per pair (a pair may come from both directions: keep the higher score)."""
    pairs: dict[tuple[int, int], EngineMatch] = {}
    for match in matches:
        key = (match.challenge_id, match.solution_id)
        if key not in pairs or match.score > pairs[key].score:
            pairs[key] = match
    return pairs


def _ranks(pairs, side: int) -> dict[tuple[int, int], int]:
    groups: dict[int, list] = defaultdict(list)
    for key, match in pairs.items():
        groups[key[side]].append((-match.score, key[1 - side], key))
    ranks = {}
    for entries in groups.values():
        for rank, (_, _, key) in enumerate(sorted(entries)[:TOP_K], start=1):
            ranks[key] = rank
    return ranks


def _rows(pairs: dict[tuple[int, int], EngineMatch], version: str) -> list[Match]:
    by_challenge, by_solution = _ranks(pairs, 0), _ranks(pairs, 1)
    return [
        Match(challenge_id=c, solution_id=s, score=m.score, rank_for_challenge=by_challenge.get((c, s)),
              rank_for_solution=by_solution.get((c, s)), reasons=reasons_json(m), model_version=version)
        for (c, s), m in sorted(pairs.items())
    ]


def reasons_json(match: EngineMatch) -> list[dict]:
    return [{"kind": reason.kind, "text": reason.text} for reason in match.reasons]


def refresh_item(session: Session, row: Challenge | Solution, now: datetime | None = None) -> int:
    """Re-match one published or edited item against the stored model (no refit); returns matches stored.

    Never raises: publishing must not fail because of the recommender; the nightly rebuild catches up.
    """
    try:
        return _refresh(session, row, now)
    except Exception:  # noqa: BLE001 - logged; the item is matched again by the next rebuild
        session.rollback()
        log.exception("matching refresh failed for %s %s", type(row).__name__, row.id)
        return 0


def _refresh(session: Session, row: Challenge | Solution, now: datetime | None) -> int:
    is_challenge = isinstance(row, Challenge)
    own_column = Match.challenge_id if is_challenge else Match.solution_id
    session.execute(delete(Match).where(own_column == row.id))
    model = match_store.current_model(session)
    item = item_for(row)
    if model is None or not item.active:
        session.commit()
        return 0
    feedback = org_feedback(session, row.organisation_id)
    if is_challenge:
        found = rank_solutions_for_challenge(model, item, TOP_K, feedback["solution"], now)
    else:
        found = rank_challenges_for_solution(model, item, TOP_K, feedback["challenge"], now)
    rank_name = "rank_for_challenge" if is_challenge else "rank_for_solution"
    for rank, match in enumerate(found, start=1):
        session.add(Match(challenge_id=match.challenge_id, solution_id=match.solution_id, score=match.score,
                          reasons=reasons_json(match), model_version=model.version, **{rank_name: rank}))
    session.commit()
    return len(found)


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
