"""Pilot purchases: award to an application or a matched solution, and move along the pilot lifecycle."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.code_lists import CURRENCIES
from app.db import utcnow
from app.models import Application, Challenge, Match, Pilot, PilotKpi, PilotMilestone, Solution, User
from app.security.input_rules import number_problem
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace.challenges import TRANSITIONS as CHALLENGE_TRANSITIONS
from app.services.marketplace.challenges import owned_challenge
from app.services.procurement import application_notices as application_mail
from app.services.settings import ServiceSettings
from app.services.transitions import claim_status

# planned -> running -> completed -> evaluated; cancelled (with a reason) from any but evaluated.
TRANSITIONS: dict[str, set[str]] = {
    "planned": {"running", "cancelled"},
    "running": {"completed", "cancelled"},
    "completed": {"evaluated", "cancelled"},
    "evaluated": set(),
    "cancelled": set(),
}
STATUSES = tuple(TRANSITIONS)
AWARDING_CHALLENGE_STATUSES = ("evaluation", "awarded")
MAX_VALUE = 10**12
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class KpiData:
    name: str
    unit: str
    baseline: float | None
    target: float | None


@dataclass
class MilestoneData:
    title: str
    due_date: date | None


@dataclass
class AwardData:
    contract_value: int | None
    currency: str
    start_date: date | None
    end_date: date | None
    site: str
    description: str = ""
    title: str = ""
    is_public: bool = True
    kpis: list[KpiData] = field(default_factory=list)
    milestones: list[MilestoneData] = field(default_factory=list)


def validate_award(data: AwardData) -> dict[str, str]:
    """Field errors for an award; an empty dict means valid."""
    errors: dict[str, str] = {}
    if data.contract_value is None or not 0 <= data.contract_value <= MAX_VALUE:
        errors["contract_value"] = "Give the contract value (0 to 1,000,000,000,000)."
    if data.currency not in CURRENCIES:
        errors["currency"] = "Choose a currency from the list."
    for name in ("start_date", "end_date"):
        value = getattr(data, name)
        if value is None or not FIRST_DAY <= value <= LAST_DAY:
            errors[name] = "Give a date between 2000 and 2100."
    if not errors.get("start_date") and not errors.get("end_date") and data.end_date < data.start_date:
        errors["end_date"] = "The pilot cannot end before it starts."
    if not data.site.strip() or len(data.site.strip()) > 200:
        errors["site"] = "Say where the pilot runs (at most 200 characters)."
    if len(data.description) > 5000 or len(data.title) > 200:
        errors["description"] = "The description is too long (5000 characters at most)."
    errors.update(_kpi_problems(data.kpis))
    errors.update(_milestone_problems(data.milestones))
    return errors


def _kpi_problems(kpis: list[KpiData]) -> dict[str, str]:
    for kpi in kpis:
        if not kpi.name.strip() or not kpi.unit.strip() or len(kpi.name) > 120 or len(kpi.unit) > 40:
            return {"kpis": "Each KPI needs a name (120 characters at most) and a unit (40 at most)."}
        if kpi.baseline is None or kpi.target is None:
            return {"kpis": f"KPI '{kpi.name.strip()}' needs a baseline and a target."}
        if number_problem(kpi.baseline) or number_problem(kpi.target):
            return {"kpis": f"KPI '{kpi.name.strip()}': give a finite number for the baseline and the target."}
    return {}


def _milestone_problems(milestones: list[MilestoneData]) -> dict[str, str]:
    for milestone in milestones:
        if not milestone.title.strip() or len(milestone.title) > 200:
            return {"milestones": "Each milestone needs a title (200 characters at most)."}
        if milestone.due_date is None or not FIRST_DAY <= milestone.due_date <= LAST_DAY:
            return {"milestones": f"Milestone '{milestone.title.strip()}' needs a due date."}
    return {}


def award_to_application(session: Session, actor_id: int, application_id: int, data: AwardData,
                         *, settings: ServiceSettings, notify: bool = True) -> Pilot:
    """Award a pilot to a shortlisted application; the challenge becomes awarded, the applicant is told."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("No such application.")
    challenge = _awarding_challenge(session, actor_id, application.challenge_id)
    if application.status != "shortlisted":
        raise InvalidTransition("Only a shortlisted application can win a pilot.")
    errors = validate_award(data)
    if errors:
        raise ValidationFailed(errors)
    claim_status(session, application, "awarded", noun="application")
    pilot = _new_pilot(session, actor_id, challenge, application.solution, data, application_id=application.id)
    application.decided_at = utcnow()
    if notify:
        application_mail.notify_status(session, application, settings)
    session.commit()
    return pilot


def award_to_solution(session: Session, actor_id: int, challenge_id: int, solution_id: int, data: AwardData) -> Pilot:
    """Award a pilot directly to a published solution that the recommender matched with the challenge."""
    challenge = _awarding_challenge(session, actor_id, challenge_id)
    solution = session.get(Solution, solution_id)
    if solution is None or solution.status != "published":
        raise NotFound("No such solution.")
    matched = session.scalar(select(Match.id).where(Match.challenge_id == challenge.id,
                                                    Match.solution_id == solution.id))
    if matched is None:
        raise ValidationFailed({"solution_id": "Only a solution matched with this challenge can be awarded directly."})
    pilot = _new_pilot(session, actor_id, challenge, solution, data)
    session.commit()
    return pilot


def _awarding_challenge(session: Session, actor_id: int, challenge_id: int) -> Challenge:
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status not in AWARDING_CHALLENGE_STATUSES:
        raise InvalidTransition("Start the evaluation of the challenge before awarding a pilot.")
    return challenge


def _new_pilot(session: Session, actor_id: int, challenge: Challenge, solution: Solution, data: AwardData,
               application_id: int | None = None) -> Pilot:
    errors = validate_award(data)
    if errors:
        raise ValidationFailed(errors)
    pilot = Pilot(
        challenge_id=challenge.id, application_id=application_id, solution_id=solution.id,
        buyer_id=challenge.organisation_id, supplier_id=solution.organisation_id, awarded_by_id=actor_id,
        title=data.title.strip() or f"{solution.title} — {challenge.title}"[:200],
        description=data.description.strip(), site=data.site.strip(), contract_value=data.contract_value,
        currency=data.currency, start_date=data.start_date, end_date=data.end_date, is_public=data.is_public,
        status="planned",
        kpis=[PilotKpi(name=k.name.strip(), unit=k.unit.strip(), baseline=k.baseline, target=k.target, position=n)
              for n, k in enumerate(data.kpis)],
        milestones=[PilotMilestone(title=m.title.strip(), due_date=m.due_date) for m in data.milestones],
    )
    session.add(pilot)
    if "awarded" in CHALLENGE_TRANSITIONS.get(challenge.status, set()):
        challenge.status = "awarded"
    return pilot


def owned_pilot(session: Session, actor_id: int, pilot_id: int) -> Pilot:
    """The pilot if the actor's organisation manages its challenge (lead or co-owner); NotFound otherwise
    (never reveals private pilots), Forbidden for a public pilot or an observer."""
    pilot = session.get(Pilot, pilot_id)
    actor = session.get(User, actor_id)
    if pilot is None or actor is None:
        raise NotFound("No such pilot.")
    if not access.may(session, pilot.challenge, actor.organisation_id, access.MANAGE):
        if pilot.is_public or access.may(session, pilot.challenge, actor.organisation_id, access.READ):
            raise Forbidden("Only the buyers of this pilot's challenge can change it.")
        raise NotFound("No such pilot.")
    return pilot


def change_pilot_status(session: Session, actor_id: int, pilot_id: int, new_status: str, reason: str = "") -> Pilot:
    """Start, complete or cancel (with a reason) a pilot; evaluation goes through pilot_records.evaluate_pilot."""
    pilot = owned_pilot(session, actor_id, pilot_id)
    if new_status not in TRANSITIONS.get(pilot.status, set()):
        raise InvalidTransition(f"A {pilot.status} pilot cannot become {new_status}.")
    if new_status == "evaluated":
        raise InvalidTransition("Record the pilot's evaluation to mark it evaluated.")
    if new_status == "cancelled":
        if not reason.strip() or len(reason.strip()) > 1000:
            raise ValidationFailed({"reason": "Give the reason for cancelling (1000 characters at most)."})
    claim_status(session, pilot, new_status, noun="pilot")
    if new_status == "cancelled":
        pilot.cancel_reason = reason.strip()
    pilot.status_changed_at = utcnow()
    session.commit()
    return pilot


def award_options(session: Session, actor_id: int, challenge_id: int) -> tuple[list[Application], list[Solution]]:
    """What a buyer may award: shortlisted applications, and published solutions matched with the challenge."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    shortlisted = list(session.scalars(select(Application).where(
        Application.challenge_id == challenge.id, Application.status == "shortlisted").order_by(Application.id)))
    matched = list(session.scalars(
        select(Solution).join(Match, Match.solution_id == Solution.id)
        .where(Match.challenge_id == challenge.id, Solution.status == "published",
               Solution.organisation_id != challenge.organisation_id)
        .order_by(Match.score.desc(), Solution.id).limit(50)))
    return shortlisted, matched
