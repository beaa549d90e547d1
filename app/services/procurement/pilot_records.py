"""What a buyer records during and after a pilot: milestones met, KPI measurements, spend, the evaluation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import KpiMeasurement, Pilot, PilotKpi, PilotMilestone, PilotSpend
from app.security.input_rules import number_problem
from app.services.errors import InvalidTransition, NotFound, ValidationFailed
from app.services.procurement.pilots import FIRST_DAY, LAST_DAY, MAX_VALUE, owned_pilot
from app.services.transitions import claim_status

RECORDING_STATUSES = ("running", "completed")
OUTCOMES = {"adopted": "Adopted", "extended": "Extended", "not_adopted": "Not adopted"}


@dataclass
class PilotEvaluationData:
    outcome: str
    rating: int | None
    lessons_learned: str
    follow_on_purchase: bool = False
    follow_on_value: int | None = None


def _recording(session: Session, actor_id: int, pilot_id: int) -> Pilot:
    pilot = owned_pilot(session, actor_id, pilot_id)
    if pilot.status not in RECORDING_STATUSES:
        raise InvalidTransition(f"Nothing can be recorded on a {pilot.status} pilot.")
    return pilot


def _date_problem(value: date | None) -> str | None:
    return None if value is not None and FIRST_DAY <= value <= LAST_DAY else "Give a date between 2000 and 2100."


def complete_milestone(session: Session, actor_id: int, pilot_id: int, milestone_id: int,
                       completed_on: date | None) -> PilotMilestone:
    """Mark a milestone of a running or completed pilot as met on a date."""
    pilot = _recording(session, actor_id, pilot_id)
    milestone = next((m for m in pilot.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound("No such milestone.")
    problem = _date_problem(completed_on)
    if problem:
        raise ValidationFailed({"completed_on": problem})
    milestone.completed_on = completed_on
    session.commit()
    return milestone


def record_measurement(session: Session, actor_id: int, pilot_id: int, kpi_id: int, measured_on: date | None,
                       value: float | None, note: str = "") -> KpiMeasurement:
    """Add a dated KPI measurement."""
    pilot = _recording(session, actor_id, pilot_id)
    kpi: PilotKpi | None = next((k for k in pilot.kpis if k.id == kpi_id), None)
    if kpi is None:
        raise NotFound("No such KPI.")
    errors = {"measured_on": _date_problem(measured_on),
              "value": "Give the measured value." if value is None else number_problem(value),
              "note": None if len(note) <= 500 else "At most 500 characters."}
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationFailed(errors)
    measurement = KpiMeasurement(kpi_id=kpi.id, measured_on=measured_on, value=value, note=note.strip())
    kpi.measurements.append(measurement)
    session.commit()
    return measurement


def record_spend(session: Session, actor_id: int, pilot_id: int, spent_on: date | None, amount: int | None,
                 description: str = "") -> PilotSpend:
    """Add a payment made for the pilot (in the pilot's currency)."""
    pilot = _recording(session, actor_id, pilot_id)
    errors = {"spent_on": _date_problem(spent_on),
              "amount": None if amount is not None and 0 < amount <= MAX_VALUE else "Give a positive amount.",
              "description": None if len(description) <= 300 else "At most 300 characters."}
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationFailed(errors)
    spend = PilotSpend(pilot_id=pilot.id, spent_on=spent_on, amount=amount, description=description.strip())
    pilot.spend.append(spend)
    session.commit()
    return spend


def validate_evaluation(data: PilotEvaluationData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "Choose adopted, extended or not adopted."
    if data.rating is None or not 1 <= data.rating <= 5:
        errors["rating"] = "Rate the pilot from 1 to 5."
    if not data.lessons_learned.strip() or len(data.lessons_learned) > 5000:
        errors["lessons_learned"] = "Share the lessons learned (5000 characters at most)."
    if data.follow_on_purchase and (data.follow_on_value is None or not 0 < data.follow_on_value <= MAX_VALUE):
        errors["follow_on_value"] = "Give the value of the follow-on purchase."
    return errors


def evaluate_pilot(session: Session, actor_id: int, pilot_id: int, data: PilotEvaluationData) -> Pilot:
    """Record the outcome of a completed pilot; it becomes evaluated (final)."""
    pilot = owned_pilot(session, actor_id, pilot_id)
    if pilot.status != "completed":
        raise InvalidTransition(f"A {pilot.status} pilot cannot be evaluated; complete it first.")
    errors = validate_evaluation(data)
    if errors:
        raise ValidationFailed(errors)
    claim_status(session, pilot, "evaluated", noun="pilot")
    pilot.outcome, pilot.rating = data.outcome, data.rating
    pilot.lessons_learned = data.lessons_learned.strip()
    pilot.follow_on_purchase = data.follow_on_purchase
    pilot.follow_on_value = data.follow_on_value if data.follow_on_purchase else None
    pilot.evaluated_at = utcnow()
    pilot.status_changed_at = pilot.evaluated_at
    session.commit()
    return pilot
