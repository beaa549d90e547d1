"""Applications: an innovator applies to an open challenge with a published solution, or withdraws."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.code_lists import CURRENCIES
from app.db import utcnow
from app.models import Application, Challenge, EvaluationCriterion, Solution, User
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace.challenges import view_challenge
from app.services.transitions import claim_status

LIMITS = {"approach": 5000, "timeline": 1000}
MAX_PRICE = 10**12
# Applicant-visible statuses; "awarded" is set when a pilot is awarded to the application.
STATUSES = ("submitted", "withdrawn", "shortlisted", "rejected", "awarded")
ACTIVE_STATUSES = ("submitted", "shortlisted", "rejected", "awarded")


@dataclass
class ApplicationData:
    solution_id: int | None
    approach: str
    timeline: str
    price_amount: int | None = None
    price_currency: str = "EUR"
    proposal_public: bool = False


def validate(data: ApplicationData) -> dict[str, str]:
    """Field errors for a proposal; an empty dict means valid."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = getattr(data, name).strip()
        if not value:
            errors[name] = "This field is required."
        elif len(value) > limit:
            errors[name] = f"At most {limit} characters."
    if data.solution_id is None:
        errors["solution_id"] = "Choose one of your published solutions."
    if data.price_amount is not None and not 0 <= data.price_amount <= MAX_PRICE:
        errors["price_amount"] = "The price must be between 0 and 1,000,000,000,000."
    if data.price_currency not in CURRENCIES:
        errors["price_currency"] = "Choose a currency from the list."
    return errors


def _innovator(session: Session, actor_id: int) -> User:
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "innovator":
        raise Forbidden("Only members of an innovating organisation can apply.")
    return actor


def accepting_applications(challenge: Challenge) -> bool:
    return challenge.status == "open" and challenge.deadline > utcnow()


def eligible_solutions(session: Session, actor_id: int, challenge_id: int) -> list[Solution]:
    """The actor's published solutions that have not applied to this challenge yet."""
    actor = _innovator(session, actor_id)
    applied = select(Application.solution_id).where(Application.challenge_id == challenge_id)
    statement = select(Solution).where(
        Solution.organisation_id == actor.organisation_id, Solution.status == "published",
        Solution.id.not_in(applied)).order_by(Solution.title)
    return list(session.scalars(statement))


def apply_to_challenge(session: Session, actor_id: int, challenge_id: int, data: ApplicationData) -> Application:
    """Submit a proposal; one per solution per challenge, only while the challenge is open."""
    actor = _innovator(session, actor_id)
    challenge = view_challenge(session, challenge_id, actor.organisation_id)
    if not accepting_applications(challenge):
        raise InvalidTransition("This challenge no longer accepts applications.")
    errors = validate(data)
    solution = session.get(Solution, data.solution_id) if data.solution_id is not None else None
    if data.solution_id is not None and (solution is None or solution.organisation_id != actor.organisation_id
                                         or solution.status != "published"):
        errors["solution_id"] = "Choose one of your published solutions."
    if errors:
        raise ValidationFailed(errors)
    application = Application(
        challenge_id=challenge.id, solution_id=solution.id, organisation_id=actor.organisation_id,
        submitted_by_id=actor.id, approach=data.approach.strip(), timeline=data.timeline.strip(),
        price_amount=data.price_amount, price_currency=data.price_currency, proposal_public=data.proposal_public,
        status="submitted",
    )
    session.add(application)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("This solution has already applied to this challenge.", "solution_id") from exc
    session.commit()
    return application


def _own_application(session: Session, actor_id: int, application_id: int) -> Application:
    application = session.get(Application, application_id)
    actor = session.get(User, actor_id)
    if application is None or actor is None:
        raise NotFound("No such application.")
    if actor.organisation_id != application.organisation_id:
        raise NotFound("No such application.")
    return application


def withdraw_application(session: Session, actor_id: int, application_id: int) -> Application:
    """Withdraw a submitted or shortlisted application while the challenge is still open."""
    application = _own_application(session, actor_id, application_id)
    if application.status not in ("submitted", "shortlisted"):
        raise InvalidTransition(f"A {application.status} application cannot be withdrawn.")
    if not accepting_applications(application.challenge):
        raise InvalidTransition("The deadline has passed: the application can no longer be withdrawn.")
    claim_status(session, application, "withdrawn", noun="application")
    application.decided_at = utcnow()
    session.commit()
    return application


def view_application(session: Session, actor_id: int, application_id: int) -> Application:
    """An application as its applicant or the challenge's buyers and observers see it; anyone else: NotFound."""
    application = session.get(Application, application_id)
    actor = session.get(User, actor_id)
    if application is None or actor is None:
        raise NotFound("No such application.")
    if actor.organisation_id != application.organisation_id \
            and not access.may(session, application.challenge, actor.organisation_id, access.READ):
        raise NotFound("No such application.")
    return application


def my_applications(session: Session, actor_id: int) -> list[Application]:
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id is None:
        return []
    statement = select(Application).where(Application.organisation_id == actor.organisation_id)
    return list(session.scalars(statement.order_by(Application.created_at.desc(), Application.id.desc())))


def applications_for_challenge(session: Session, actor_id: int, challenge_id: int) -> list[Application]:
    """Every application of a challenge, for its buyers and observers."""
    challenge = access.authorise(session, actor_id, challenge_id, access.READ)
    statement = select(Application).where(Application.challenge_id == challenge.id).order_by(Application.id)
    return list(session.scalars(statement))


def criteria_of(session: Session, challenge_id: int) -> list[EvaluationCriterion]:
    """The published evaluation criteria of a challenge, in order (public)."""
    statement = select(EvaluationCriterion).where(EvaluationCriterion.challenge_id == challenge_id)
    return list(session.scalars(statement.order_by(EvaluationCriterion.position, EvaluationCriterion.id)))
