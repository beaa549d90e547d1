"""The first-run checklist on a member's dashboard, ticked off from what the organisation has really done."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import Application, Challenge, DigestPreference, MatchFeedback, SavedChallenge, Solution, User


@dataclass(frozen=True)
class Step:
    key: str  # profile | publish | matches | digests
    label: str
    done: bool


def _published(session: Session, org_id: int, side: str) -> bool:
    if side == "buyer":
        return session.scalar(select(exists().where(Challenge.organisation_id == org_id,
                                                    Challenge.status != "draft"))) or False
    return session.scalar(select(exists().where(Solution.organisation_id == org_id,
                                                Solution.status == "published"))) or False


def _acted_on_matches(session: Session, user: User) -> bool:
    """Looking at matches leaves a trace only when one acts: a verdict, a saved challenge or an application."""
    org_id = user.organisation_id
    return any(session.scalar(select(exists().where(*where))) for where in (
        (MatchFeedback.organisation_id == org_id,),
        (SavedChallenge.user_id == user.id,),
        (Application.organisation_id == org_id,),
    ))


def checklist(session: Session, actor_id: int) -> list[Step]:
    """The four first steps for the actor's side; empty for someone without an organisation."""
    user = session.get(User, actor_id)
    org = user.organisation if user else None
    if org is None:
        return []
    item = "challenge" if org.side == "buyer" else "solution"
    return [
        Step("profile", "Complete your organisation's profile (description and website)",
             bool(org.description.strip() and org.website.strip())),
        Step("publish", f"Publish your first {item}", _published(session, org.id, org.side)),
        Step("matches", "Look at your matches: mark one relevant, save or apply" if org.side == "innovator"
             else "Look at your matches: mark one relevant or not", _acted_on_matches(session, user)),
        Step("digests", "Choose when you get the digest e-mail", session.scalar(select(exists().where(
            DigestPreference.user_id == user.id))) or False),
    ]
