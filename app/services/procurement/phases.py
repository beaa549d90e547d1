"""Phases with down-selection: design -> prototype -> field test, each funding fewer suppliers.

Phase 1 takes applications from any innovator while the challenge is open; a later phase only from the suppliers
selected in the phase before. The owners select suppliers with a reason, within the phase's budget and places;
each selection is a funded contract recorded as a pilot (milestones, spend and KPIs as for any pilot). Closing a
selection is final and tells the applicants not carried on why. One transaction per call; a refusal writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.code_lists import COUNTRIES
from app.db import utcnow
from app.models import Challenge, ChallengePhase, PhaseApplication, PhaseSelection, Pilot, Solution, User
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace.challenges import owned_challenge, view_challenge
from app.services.procurement.phase_notices import notify, people
from app.services.procurement.pilots import FIRST_DAY, LAST_DAY, MAX_VALUE
from app.services.settings import ServiceSettings

PLANNING_STATUSES = ("draft", "consultation", "open")  # phases are set before applications are judged
MAX_PHASES, MAX_NAME, MAX_CRITERIA, MAX_PROPOSAL, MAX_REASON = 6, 120, 5000, 10000, 1000


@dataclass
class PhaseData:
    name: str
    start_date: date | None
    end_date: date | None
    budget: int | None
    places: int | None
    criteria: str = ""


def validate_phase(data: PhaseData, previous: ChallengePhase | None) -> dict[str, str]:
    """Field errors for a new phase after ``previous``; phases follow each other without overlap."""
    errors: dict[str, str] = {}
    if not data.name.strip() or len(data.name.strip()) > MAX_NAME:
        errors["name"] = f"Name the phase ({MAX_NAME} characters at most)."
    for name in ("start_date", "end_date"):
        value = getattr(data, name)
        if value is None or not FIRST_DAY <= value <= LAST_DAY:
            errors[name] = "Give a date between 2000 and 2100."
    if not errors.get("start_date") and not errors.get("end_date"):
        if data.end_date < data.start_date:
            errors["end_date"] = "A phase cannot end before it starts."
        elif previous is not None and data.start_date <= previous.end_date:
            errors["start_date"] = (f"Phases cannot overlap: {previous.name} runs until {previous.end_date}; "
                                    "start after that day.")
    if data.budget is None or not 0 < data.budget <= MAX_VALUE:
        errors["budget"] = "Give the phase budget (a positive amount)."
    if data.places is None or not 1 <= data.places <= 1000:
        errors["places"] = "Give the number of suppliers to fund (1 to 1000)."
    if len(data.criteria) > MAX_CRITERIA:
        errors["criteria"] = f"The criteria have at most {MAX_CRITERIA} characters."
    return errors


def phases_of(session: Session, challenge_id: int) -> list[ChallengePhase]:
    return list(session.scalars(select(ChallengePhase).where(ChallengePhase.challenge_id == challenge_id)
                                .order_by(ChallengePhase.position)))


def add_phase(session: Session, actor_id: int, challenge_id: int, data: PhaseData) -> ChallengePhase:
    """Append a phase to the owners' challenge (before applications are judged)."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status not in PLANNING_STATUSES:
        raise InvalidTransition(f"Phases are planned before evaluation; this challenge is {challenge.status}.")
    existing = phases_of(session, challenge.id)
    if len(existing) >= MAX_PHASES:
        raise ValidationFailed({"name": f"A challenge has at most {MAX_PHASES} phases."})
    errors = validate_phase(data, existing[-1] if existing else None)
    if errors:
        raise ValidationFailed(errors)
    phase = ChallengePhase(challenge_id=challenge.id, position=len(existing) + 1, name=data.name.strip(),
                           start_date=data.start_date, end_date=data.end_date, budget=data.budget,
                           currency=challenge.currency, places=data.places, criteria=data.criteria.strip(),
                           status="open")
    session.add(phase)
    session.commit()
    return phase


def _phase(session: Session, phase_id: int) -> ChallengePhase:
    phase = session.get(ChallengePhase, phase_id)
    if phase is None:
        raise NotFound("No such phase.")
    return phase


def previous_phase(session: Session, phase: ChallengePhase) -> ChallengePhase | None:
    return session.scalar(select(ChallengePhase).where(ChallengePhase.challenge_id == phase.challenge_id,
                                                       ChallengePhase.position == phase.position - 1))


def may_apply(session: Session, phase: ChallengePhase, organisation_id: int) -> str | None:
    """Why this organisation may not apply to this phase, or None if it may."""
    if phase.status != "open":
        return f"Selection for {phase.name} is closed."
    if phase.position == 1:
        return None if phase.challenge.status == "open" else "The challenge is not open for applications."
    before = previous_phase(session, phase)
    chosen = before is not None and before.status == "selected" and any(
        s.organisation_id == organisation_id for s in before.selections)
    return None if chosen else (f"Only suppliers selected in {before.name if before else 'the previous phase'} "
                                f"may apply to {phase.name}.")


def apply(session: Session, actor_id: int, phase_id: int, solution_id: int, proposal: str) -> PhaseApplication:
    """Apply to a phase with one of the organisation's published solutions (Forbidden if not eligible)."""
    phase = _phase(session, phase_id)
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "innovator":
        raise Forbidden("Only members of an innovator organisation can apply.")
    view_challenge(session, phase.challenge_id, actor.organisation_id)  # NotFound for a hidden challenge
    refusal = may_apply(session, phase, actor.organisation_id)
    if refusal:
        raise Forbidden(refusal)
    solution = session.get(Solution, solution_id)
    if solution is None or solution.organisation_id != actor.organisation_id or solution.status != "published":
        raise ValidationFailed({"solution_id": "Choose one of your published solutions."})
    if not proposal.strip() or len(proposal) > MAX_PROPOSAL:
        raise ValidationFailed({"proposal": f"Describe your proposal ({MAX_PROPOSAL} characters at most)."})
    if any(a.organisation_id == actor.organisation_id for a in phase.applications):
        raise Conflict(f"Your organisation has already applied to {phase.name}.")
    application = PhaseApplication(solution_id=solution.id, organisation_id=actor.organisation_id,
                                   submitted_by_id=actor_id, proposal=proposal.strip())
    phase.applications.append(application)  # through the collection: sessions keep loaded objects after commit
    session.commit()
    return application


def owned_phase(session: Session, actor_id: int, phase_id: int) -> ChallengePhase:
    phase = _phase(session, phase_id)
    owned_challenge(session, actor_id, phase.challenge_id)
    return phase


def select_supplier(session: Session, actor_id: int, application_id: int, contract_value: int | None,
                    reason: str) -> PhaseSelection:
    """Fund an applicant in its phase: a selection with a reason and a pilot record as its contract."""
    application = session.get(PhaseApplication, application_id)
    if application is None:
        raise NotFound("No such application.")
    phase = owned_phase(session, actor_id, application.phase_id)
    if phase.status != "open":
        raise InvalidTransition(f"Selection for {phase.name} is closed; a phase is not reopened.")
    _check_selection(phase, application, contract_value, reason)
    selection = PhaseSelection(application_id=application.id, pilot=_contract(phase, application, contract_value,
                                                                               actor_id),
                               organisation_id=application.organisation_id, contract_value=contract_value,
                               reason=reason.strip())
    phase.selections.append(selection)
    session.commit()
    return selection


def _check_selection(phase: ChallengePhase, application: PhaseApplication, value: int | None, reason: str) -> None:
    if any(s.application_id == application.id for s in phase.selections):
        raise Conflict(f"{application.organisation.name} is already selected for {phase.name}.")
    if not reason.strip() or len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": f"Give the reason for the selection ({MAX_REASON} characters at most)."})
    if value is None or not 0 < value <= MAX_VALUE:
        raise ValidationFailed({"contract_value": "Give the contract value (a positive amount)."})
    if len(phase.selections) >= phase.places:
        raise Conflict(f"All {phase.places} places of {phase.name} are filled.")
    committed = sum(s.contract_value for s in phase.selections)
    if committed + value > phase.budget:
        raise Conflict(f"Over budget: {phase.name} has {phase.budget - committed:,} {phase.currency} left "
                       f"of {phase.budget:,}.")


def _contract(phase: ChallengePhase, application: PhaseApplication, value: int, actor_id: int) -> Pilot:
    challenge: Challenge = phase.challenge
    return Pilot(challenge_id=challenge.id, solution_id=application.solution_id, buyer_id=challenge.organisation_id,
                 supplier_id=application.organisation_id, awarded_by_id=actor_id,
                 title=f"{phase.name}: {application.solution.title}"[:200], description=phase.criteria,
                 site=(challenge.location or COUNTRIES.get(challenge.country, challenge.country))[:200],
                 contract_value=value, currency=phase.currency, start_date=phase.start_date,
                 end_date=phase.end_date, is_public=True, status="planned")


def close_selection(session: Session, actor_id: int, phase_id: int, reason: str, *,
                    settings: ServiceSettings) -> ChallengePhase:
    """Close a phase's selection (final); applicants not carried on are told by e-mail with ``reason``."""
    phase = owned_phase(session, actor_id, phase_id)
    if phase.status != "open":
        raise InvalidTransition(f"Selection for {phase.name} is already closed.")
    if not phase.selections:
        raise ValidationFailed({"reason": "Select at least one supplier before closing the selection."})
    if not reason.strip() or len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": "Tell the others why they were not carried on (1000 characters at most)."})
    phase.status, phase.selected_at = "selected", utcnow()
    chosen = {s.application_id for s in phase.selections}
    link = settings.links.url("challenges.detail", challenge_id=phase.challenge_id)
    for application in phase.applications:
        if application.id not in chosen:
            notify(session, people(session, application.submitted_by_id, application.organisation),
                   kind="phase_not_selected", link=link, settings=settings,
                   subject=f"Not carried on: {phase.name} of {phase.challenge.title}",
                   body=f"Your application to {phase.name} of \"{phase.challenge.title}\" was not selected.\n\n"
                        f"Reason given by {phase.challenge.organisation.name}: {reason.strip()}")
    session.commit()
    return phase
