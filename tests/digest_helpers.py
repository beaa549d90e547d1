"""Arrange helpers for digest tests: stored matches, with the recommender's own rows cleared first."""
from __future__ import annotations

from sqlalchemy import delete

from app.db import utcnow
from app.models import Match, MatchFeedback


def clear_matches(db) -> None:
    db.execute(delete(Match))
    db.commit()


def store_match(db, challenge, solution, score: float, reasons: list[str] | None = None) -> Match:
    db.execute(delete(Match).where(Match.challenge_id == challenge.id, Match.solution_id == solution.id))
    match = Match(challenge_id=challenge.id, solution_id=solution.id, score=score, rank_for_challenge=1,
                  rank_for_solution=1, model_version="test",
                  reasons=[{"kind": "terms", "text": text} for text in (reasons or ["shares: bus fleet, charging"])],
                  created_at=utcnow())
    db.add(match)
    db.commit()
    return match


def give_feedback(db, org_id: int, challenge, solution, verdict: str) -> None:
    db.add(MatchFeedback(organisation_id=org_id, challenge_id=challenge.id, solution_id=solution.id, verdict=verdict))
    db.commit()
