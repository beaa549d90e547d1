"""Challenge statements: create, edit, publish, close; who may see and change them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Challenge, User
from app.security import input_rules
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import content_rules as rules
from app.services.recommendations import rebuild as matches
from app.vocabulary import COUNTRIES, CURRENCIES

# Statuses anyone may see; drafts stay inside the organisation.
PUBLIC_STATUSES: tuple[str, ...] = ("open", "evaluation", "awarded", "closed")
# draft -> open -> evaluation -> awarded | closed | cancelled; awarded, closed and cancelled are final.
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"open", "cancelled"},
    "open": {"evaluation", "closed", "cancelled"},
    "evaluation": {"awarded", "closed", "cancelled"},
    "awarded": set(),
    "closed": set(),
    "cancelled": set(),
}
EDITABLE_STATUSES: tuple[str, ...] = ("draft", "open")


def publicly_listed():
    """SQL condition for challenges anyone may see and download: public status, not hidden."""
    return Challenge.status.in_(PUBLIC_STATUSES) & Challenge.hidden_at.is_(None)
TEXT_LIMITS = {"title": 200, "summary": 500, "problem_statement": 10000, "desired_outcomes": 5000, "location": 200}
SINGLE_LINE = {"title", "location"}
MAX_BUDGET = 10**12


@dataclass
class ChallengeData:
    title: str
    summary: str
    problem_statement: str
    sector: str
    trl_expected: int | None
    deadline: datetime | None
    country: str
    desired_outcomes: str = ""
    tags: list[str] = field(default_factory=list)
    budget_min: int | None = None
    budget_max: int | None = None
    currency: str = "EUR"
    location: str = ""


def validate(data: ChallengeData, *, now: datetime | None = None) -> dict[str, str]:
    """Field errors for challenge data; an empty dict means valid."""
    errors = rules.length_problems(asdict(data), TEXT_LIMITS, {"title", "summary", "problem_statement"})
    errors.update(rules.tag_problems(data.tags))
    errors.update(rules.text_problems(asdict(data), data.tags))
    checks = {
        "sector": rules.sector_problem(data.sector),
        "trl_expected": rules.trl_problem(data.trl_expected),
        "country": None if data.country in COUNTRIES else "Choose a country from the list.",
        "currency": None if data.currency in CURRENCIES else "Choose a currency from the list.",
        "deadline": _deadline_problem(data.deadline, now or utcnow()),
        "budget_min": _budget_problem(data.budget_min, data.budget_max),
    }
    errors.update({name: message for name, message in checks.items() if message})
    return errors


def _deadline_problem(deadline: datetime | None, now: datetime) -> str | None:
    if deadline is None:
        return "Give a submission deadline."
    if deadline.tzinfo is None:
        return "The deadline needs a time zone."
    if deadline <= now:
        return "The deadline must be in the future."
    return input_rules.horizon_problem(deadline, now.date())


def _budget_problem(low: int | None, high: int | None) -> str | None:
    for value in (low, high):
        if value is not None and not 0 <= value <= MAX_BUDGET:
            return "Budgets must be between 0 and 1,000,000,000,000."
    if low is not None and high is not None and low > high:
        return "The minimum budget is above the maximum."
    return None


def _actor_org(session: Session, actor_id: int) -> int:
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "buyer":
        raise Forbidden("Only members of a buying organisation can post challenges.")
    return actor.organisation_id


def owned_challenge(session: Session, actor_id: int, challenge_id: int) -> Challenge:
    """The challenge if the actor's organisation owns it; otherwise NotFound or Forbidden."""
    challenge = session.get(Challenge, challenge_id)
    actor = session.get(User, actor_id)
    if challenge is None:
        raise NotFound("No such challenge.")
    if actor is None or actor.organisation_id != challenge.organisation_id:
        if challenge.status not in PUBLIC_STATUSES or challenge.hidden_at is not None:
            raise NotFound("No such challenge.")
        raise Forbidden("Only the organisation that posted this challenge can change it.")
    return challenge


def create_challenge(session: Session, actor_id: int, data: ChallengeData) -> Challenge:
    """Store a new draft challenge for the actor's organisation."""
    org_id = _actor_org(session, actor_id)
    data.tags = rules.clean_tags(data.tags)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    challenge = Challenge(organisation_id=org_id, created_by_id=actor_id, status="draft", **_fields(data))
    session.add(challenge)
    session.commit()
    return challenge


def update_challenge(session: Session, actor_id: int, challenge_id: int, data: ChallengeData) -> Challenge:
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status not in EDITABLE_STATUSES:
        raise InvalidTransition(f"A challenge in {challenge.status} can no longer be edited.")
    data.tags = rules.clean_tags(data.tags)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    for name, value in _fields(data).items():
        setattr(challenge, name, value)
    session.commit()
    matches.refresh_item(session, challenge)
    return challenge


def _fields(data: ChallengeData) -> dict:
    return rules.clean_text(asdict(data), TEXT_LIMITS, SINGLE_LINE)


def change_status(session: Session, actor_id: int, challenge_id: int, new_status: str) -> Challenge:
    """Move a challenge along its lifecycle; invalid moves raise InvalidTransition."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if new_status not in TRANSITIONS.get(challenge.status, set()):
        raise InvalidTransition(f"A {challenge.status} challenge cannot become {new_status}.")
    if new_status == "awarded":
        # Awarding happens by awarding a pilot (app.services.procurement.pilots), which records who won.
        raise InvalidTransition("Award a pilot to an application or a matched solution to award a challenge.")
    if new_status == "open":
        if _verification_required() and not challenge.organisation.verified:
            raise Forbidden("Your organisation must be verified by the platform before it can publish challenges.")
        problem = _deadline_problem(challenge.deadline, utcnow())
        if problem:
            raise ValidationFailed({"deadline": problem})
        challenge.published_at = utcnow()
    if new_status in ("closed", "cancelled"):
        challenge.closed_at = utcnow()
    challenge.status = new_status
    session.commit()
    matches.refresh_item(session, challenge)
    return challenge


def _verification_required() -> bool:
    # A platform setting (REQUIRE_VERIFIED_BUYERS), not request state: web, API and CLI callers get the same rule.
    return has_app_context() and bool(current_app.config.get("REQUIRE_VERIFIED_BUYERS"))


def publish_challenge(session: Session, actor_id: int, challenge_id: int) -> Challenge:
    return change_status(session, actor_id, challenge_id, "open")


def close_challenge(session: Session, actor_id: int, challenge_id: int) -> Challenge:
    return change_status(session, actor_id, challenge_id, "closed")


def view_challenge(session: Session, challenge_id: int, viewer_org_id: int | None) -> Challenge:
    """The challenge as a viewer may see it; drafts of other organisations are NotFound."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound("No such challenge.")
    hidden = challenge.status not in PUBLIC_STATUSES or challenge.hidden_at is not None  # hidden: moderation
    if hidden and challenge.organisation_id != viewer_org_id:
        raise NotFound("No such challenge.")
    return challenge
