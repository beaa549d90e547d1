"""Who may do what with a challenge: the one authorisation rule every challenge, application, evaluation and
pilot service asks (lead buyer, accepted co-owners, accepted observers).

| action | lead | co-owner | observer | anyone else |
|---|---|---|---|---|
| READ (applications, scores, audit trail, private pilots, drafts) | yes | yes | yes | no |
| MANAGE (edit, criteria, score, decide, award, run pilots) | yes | yes | no | no |
| LEAD (invite or remove parties, cancel) | yes | no | no | no |

Only *accepted* parties count: an invitation not yet accepted, or a removed co-owner, gives nothing.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Challenge, ChallengeParty, User
from app.services.errors import Forbidden, NotFound

READ = "read"
MANAGE = "manage"
LEAD = "lead"
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "lead": frozenset({READ, MANAGE, LEAD}),
    "co_owner": frozenset({READ, MANAGE}),
    "observer": frozenset({READ}),
}
REFUSALS = {
    MANAGE: "Only the buyers of this challenge can change it.",
    LEAD: "Only the lead buyer of this challenge can do this.",
    READ: "Only the buyers and observers of this challenge can see this.",
}
OBSERVER_REFUSAL = "Observers can follow this challenge but not change it."


def role_of(session: Session, challenge: Challenge, org_id: int | None) -> str | None:
    """'lead', 'co_owner', 'observer' or None for the organisation ``org_id`` (accepted parties only)."""
    if org_id is None:
        return None
    if org_id == challenge.organisation_id:
        return "lead"
    return session.scalar(select(ChallengeParty.role).where(
        ChallengeParty.challenge_id == challenge.id, ChallengeParty.organisation_id == org_id,
        ChallengeParty.status == "accepted"))


def may(session: Session, challenge: Challenge, org_id: int | None, action: str) -> bool:
    """Whether members of ``org_id`` may perform ``action`` (READ, MANAGE, LEAD) on ``challenge``."""
    role = role_of(session, challenge, org_id)
    return role is not None and action in ROLE_ACTIONS[role]


def is_publicly_visible(challenge: Challenge) -> bool:
    # Kept here (not imported from challenges) so this module depends on models only; same rule as PUBLIC_STATUSES.
    return challenge.hidden_at is None and challenge.status in (
        "consultation", "open", "evaluation", "awarded", "closed")


def authorise(session: Session, actor_id: int | None, challenge_id: int, action: str) -> Challenge:
    """The challenge if the actor's organisation may perform ``action``.

    Raises NotFound when the actor may not even know the challenge exists (a draft or hidden challenge of
    others), Forbidden with a message saying why otherwise (an observer trying to change, a co-owner cancelling).
    """
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound("No such challenge.")
    actor = session.get(User, actor_id) if actor_id is not None else None
    role = role_of(session, challenge, actor.organisation_id if actor else None)
    if role is not None and action in ROLE_ACTIONS[role]:
        return challenge
    if role is None and not is_publicly_visible(challenge):
        raise NotFound("No such challenge.")
    raise Forbidden(OBSERVER_REFUSAL if role == "observer" else REFUSALS[action])


def buyer_org_ids(session: Session, challenge: Challenge) -> list[int]:
    """The lead first, then the accepted co-owners in the order they joined."""
    rows = session.scalars(select(ChallengeParty.organisation_id).where(
        ChallengeParty.challenge_id == challenge.id, ChallengeParty.role == "co_owner",
        ChallengeParty.status == "accepted").order_by(ChallengeParty.accepted_at, ChallengeParty.id))
    return [challenge.organisation_id, *rows]


def co_owned_challenge_ids(org_id: int):
    """SQL subquery: ids of challenges ``org_id`` co-owns (accepted), for lists and filters."""
    return select(ChallengeParty.challenge_id).where(
        ChallengeParty.organisation_id == org_id, ChallengeParty.role == "co_owner",
        ChallengeParty.status == "accepted")
