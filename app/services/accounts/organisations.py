"""Organisation profiles."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Challenge, Organisation, Solution, User
from app.services.accounts.users import OrganisationData, organisation_problems
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenges as challenges_service
from app.services.marketplace.challenge_access import co_owned_challenge_ids


@dataclass
class Profile:
    organisation: Organisation
    challenges: list[Challenge]
    solutions: list[Solution]
    is_member: bool


def get_profile(session: Session, org_id: int, viewer_org_id: int | None = None) -> Profile:
    """The public profile; members also see their drafts."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    is_member = viewer_org_id == org.id
    # Challenges it leads or co-owns (joint challenges show on every buyer's profile).
    challenges = select(Challenge).where(Challenge.organisation_id.in_([org.id])
                                         | Challenge.id.in_(co_owned_challenge_ids(org.id)))
    solutions = select(Solution).where(Solution.organisation_id == org.id)
    if not is_member:
        challenges = challenges.where(Challenge.status.in_(challenges_service.PUBLIC_STATUSES),
                                      Challenge.hidden_at.is_(None))
        solutions = solutions.where(Solution.status == "published", Solution.hidden_at.is_(None))
    return Profile(
        organisation=org,
        challenges=list(session.scalars(challenges.order_by(Challenge.id.desc()))),
        solutions=list(session.scalars(solutions.order_by(Solution.id.desc()))),
        is_member=is_member,
    )


def update_profile(session: Session, actor_id: int, org_id: int, data: OrganisationData) -> Organisation:
    actor = session.get(User, actor_id)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    if actor is None or actor.organisation_id != org.id:
        raise Forbidden("Only members can edit this organisation.")
    errors = organisation_problems(data)
    if errors:
        raise ValidationFailed(errors)
    for field in ("name", "kind", "country", "city", "size", "website", "description"):
        setattr(org, field, getattr(data, field))
    session.commit()
    return org
