"""Matches an organisation hid: listing them and bringing them back (the undo of Hide)."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.models import Match, MatchFeedback, User
from app.services.errors import Forbidden


def _org_of(session: Session, actor_id: int) -> int:
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id is None:
        raise Forbidden("Only members of an organisation have matches.")
    return actor.organisation_id


def hidden_matches(session: Session, actor_id: int) -> list[Match]:
    """The stored matches of pairs the actor's organisation hid, best score first."""
    org_id = _org_of(session, actor_id)
    statement = (select(Match).join(MatchFeedback, (MatchFeedback.challenge_id == Match.challenge_id)
                                    & (MatchFeedback.solution_id == Match.solution_id))
                 .where(MatchFeedback.organisation_id == org_id, MatchFeedback.verdict == "hidden")
                 .options(joinedload(Match.challenge), joinedload(Match.solution))
                 .order_by(Match.score.desc(), Match.id))
    return list(session.scalars(statement).unique())


def restore_match(session: Session, actor_id: int, challenge_id: int, solution_id: int) -> bool:
    """Forget the organisation's Hide on a pair; True when something was hidden. Other verdicts stay."""
    org_id = _org_of(session, actor_id)
    result = session.execute(delete(MatchFeedback).where(
        MatchFeedback.organisation_id == org_id, MatchFeedback.challenge_id == challenge_id,
        MatchFeedback.solution_id == solution_id, MatchFeedback.verdict == "hidden"))
    session.commit()
    return bool(result.rowcount)
