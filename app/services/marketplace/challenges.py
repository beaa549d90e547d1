"""Challenge statements: create, edit, publish, close; who may see and change them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.code_lists import COUNTRIES, CURRENCIES
from app.db import utcnow
from app.models import Challenge, User
from app.security import input_rules
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace import content_rules as rules
from app.services.recommendations import due
from app.services.settings import ServiceSettings
from app.services.transitions import claim_status

# Statuses anyone may see; drafts stay inside the organisation.
PUBLIC_STATUSES: tuple[str, ...] = ("open", "evaluation", "awarded", "closed", "consultation")
# draft -> open -> evaluation -> awarded | closed | cancelled; awarded, closed and cancelled are final.
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"open", "cancelled"},
    "open": {"evaluation", "closed", "cancelled"},
    "evaluation": {"awarded", "closed", "cancelled"},
    "awarded": set(),
    "closed": set(),
    "cancelled": set(),
    # Market consultation (issue 13): entered and left through app.services.procurement.consultation, which
    # tells the respondents when the challenge opens; only cancelling goes through change_status.
    "consultation": {"cancelled"},
}
EDITABLE_STATUSES: tuple[str, ...] = ("draft", "open", "consultation")


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
    """The challenge if the actor's organisation may change it (lead or co-owner); otherwise NotFound or Forbidden."""
    return access.authorise(session, actor_id, challenge_id, access.MANAGE)


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
    if challenge.status == "open":
        _keep_terms_of_open_challenge(challenge, data)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    for name, value in _fields(data).items():
        setattr(challenge, name, value)
    due.mark_due(session, due.CHALLENGE, challenge.id)  # same transaction as the change
    session.commit()
    return challenge


NOTICE_ONLY = ("An open challenge's {what} changes only through a notice, so every follower is told: "
               "use “Publish a notice” on the challenge page.")


def _keep_terms_of_open_challenge(challenge: Challenge, data: ChallengeData) -> None:
    """Refuse a deadline or budget change of an open challenge (app.services.procurement.clarifications does it)."""
    errors = {}
    if data.deadline is not None and data.deadline.date() != challenge.deadline.date():
        errors["deadline"] = NOTICE_ONLY.format(what="deadline")
    else:
        data.deadline = challenge.deadline  # the form only carries the date: keep the stored time of day
    if (data.budget_min, data.budget_max, data.currency) != (challenge.budget_min, challenge.budget_max,
                                                             challenge.currency):
        errors["budget_min"] = NOTICE_ONLY.format(what="budget")
    if errors:
        raise ValidationFailed(errors)


def _fields(data: ChallengeData) -> dict:
    return rules.clean_text(asdict(data), TEXT_LIMITS, SINGLE_LINE)


def change_status(session: Session, actor_id: int, challenge_id: int, new_status: str, *,
                  settings: ServiceSettings) -> Challenge:
    """Move a challenge along its lifecycle; invalid moves raise InvalidTransition.

    Publishing needs a verified buyer organisation when ``settings.require_verified_buyers`` is on (Forbidden).
    """
    # Cancelling ends the challenge for every buyer in the group: the lead's call alone.
    action = access.LEAD if new_status == "cancelled" else access.MANAGE
    challenge = access.authorise(session, actor_id, challenge_id, action)
    if new_status not in TRANSITIONS.get(challenge.status, set()):
        raise InvalidTransition(f"A {challenge.status} challenge cannot become {new_status}.")
    if new_status == "awarded":
        # Awarding happens by awarding a pilot (app.services.procurement.pilots), which records who won.
        raise InvalidTransition("Award a pilot to an application or a matched solution to award a challenge.")
    if new_status == "open":
        if settings.require_verified_buyers and not challenge.organisation.verified:
            raise Forbidden("Your organisation must be verified by the platform before it can publish challenges.")
        problem = _deadline_problem(challenge.deadline, utcnow())
        if problem:
            raise ValidationFailed({"deadline": problem})
    claim_status(session, challenge, new_status, noun="challenge")
    if new_status == "open":
        challenge.published_at = utcnow()
    if new_status in ("closed", "cancelled"):
        challenge.closed_at = utcnow()
    due.mark_due(session, due.CHALLENGE, challenge.id)  # same transaction as the change
    session.commit()
    return challenge


def publish_challenge(session: Session, actor_id: int, challenge_id: int, *, settings: ServiceSettings) -> Challenge:
    return change_status(session, actor_id, challenge_id, "open", settings=settings)


def close_challenge(session: Session, actor_id: int, challenge_id: int, *, settings: ServiceSettings) -> Challenge:
    return change_status(session, actor_id, challenge_id, "closed", settings=settings)


def view_challenge(session: Session, challenge_id: int, viewer_org_id: int | None) -> Challenge:
    """The challenge as a viewer may see it; drafts are NotFound outside its buyer group and observers."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound("No such challenge.")
    hidden = challenge.status not in PUBLIC_STATUSES or challenge.hidden_at is not None  # hidden: moderation
    if hidden and access.role_of(session, challenge, viewer_org_id) is None:
        raise NotFound("No such challenge.")
    return challenge
