"""Demo applications, scores and pilots (seed_data/pilots.json), loaded through the services, idempotently."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Application, Challenge, EvaluationCriterion, Solution, User
from app.services.marketplace import challenges
from app.services.procurement import applications, evaluation, pilot_records, pilots
from app.services.settings import ServiceSettings


def load_entry(session: Session, users: dict[str, int], data: dict[str, list[dict]], entry: dict,
               settings: ServiceSettings, report) -> None:
    """One challenge's criteria, applications, decisions and pilots; skipped when its criteria already exist."""
    challenge_row = next(row for row in data["challenges"] if row["key"] == entry["challenge"])
    buyer_id = users[challenge_row["buyer"]]
    challenge = _find(session, Challenge, buyer_id, challenge_row["title"])
    if challenge is None or session.scalar(select(EvaluationCriterion.id).where(
            EvaluationCriterion.challenge_id == challenge.id)) is not None:
        report.existing["applications"] += len(entry["applications"])
        report.existing["pilots"] += len(entry["pilots"])
        return
    criteria = evaluation.set_criteria(session, buyer_id, challenge.id, [
        evaluation.CriterionData(name, weight, description) for name, weight, description in entry["criteria"]])
    evaluation.declare_no_conflict(session, buyer_id, challenge.id)
    solution_rows = {row["key"]: row for row in data["solutions"]}
    submitted = {}
    for row in entry["applications"]:
        submitted[row["solution"]] = _apply(session, users, solution_rows[row["solution"]], challenge, row)
        evaluation.score_application(session, buyer_id, submitted[row["solution"]].id, {
            c.id: (value, row.get("comment", "")) for c, value in zip(criteria, row["scores"], strict=True)})
        report.created["applications"] += 1
    challenges.change_status(session, buyer_id, challenge.id, "evaluation", settings=settings)
    for row in entry["applications"]:
        if row.get("decision"):
            evaluation.decide_application(session, buyer_id, submitted[row["solution"]].id, row["decision"],
                                          row["reason"], settings=settings, notify=False)
    for row in entry["pilots"]:
        _pilot(session, buyer_id, challenge, submitted[row["solution"]], row, settings)
        report.created["pilots"] += 1
    _backdate_challenge(session, challenge, entry)


def _find(session: Session, model, user_id: int, title: str):
    org_id = session.get(User, user_id).organisation_id
    return session.scalar(select(model).where(model.organisation_id == org_id, model.title == title))


def _apply(session: Session, users: dict[str, int], solution_row: dict, challenge: Challenge, row: dict) -> Application:
    innovator_id = users[solution_row["innovator"]]
    solution = _find(session, Solution, innovator_id, solution_row["title"])
    data = applications.ApplicationData(
        solution_id=solution.id, approach=row["approach"], timeline=row["timeline"], price_amount=row["price"],
        price_currency=_currency(row, challenge), proposal_public=row["public"])
    return applications.apply_to_challenge(session, innovator_id, challenge.id, data)


def _currency(row: dict, challenge: Challenge) -> str:
    return row.get("currency") or challenge.currency


def _pilot(session: Session, buyer_id: int, challenge: Challenge, application: Application, row: dict,
           settings: ServiceSettings) -> None:
    today = utcnow().date()
    start = today - timedelta(days=row["awarded_days_ago"]) + timedelta(days=row["start_offset_days"])
    data = pilots.AwardData(
        contract_value=row["value"], currency=row.get("currency", challenge.currency), start_date=start,
        end_date=start + timedelta(days=row["length_days"]), site=row["site"], description=row["description"],
        kpis=[pilots.KpiData(name, unit, base, target) for name, unit, base, target, _ in row["kpis"]],
        milestones=[pilots.MilestoneData(title, start + timedelta(days=due)) for title, due, _ in row["milestones"]])
    pilot = pilots.award_to_application(session, buyer_id, application.id, data, settings=settings, notify=False)
    _progress(session, buyer_id, pilot, row, start)
    pilot.awarded_at = utcnow() - timedelta(days=row["awarded_days_ago"])
    last_day = min(today, start + timedelta(days=row["length_days"]))
    pilot.status_changed_at = max(pilot.awarded_at, _as_datetime(last_day))
    if pilot.evaluated_at is not None:
        pilot.evaluated_at = pilot.status_changed_at
    session.commit()


def _progress(session: Session, buyer_id: int, pilot, row: dict, start: date) -> None:
    status = row["status"]
    if status == "cancelled":
        pilots.change_pilot_status(session, buyer_id, pilot.id, "cancelled", row["cancel_reason"])
        return
    if status == "planned":
        return
    pilots.change_pilot_status(session, buyer_id, pilot.id, "running")
    _records(session, buyer_id, pilot, row, start)
    if status in ("completed", "evaluated"):
        pilots.change_pilot_status(session, buyer_id, pilot.id, "completed")
    if status == "evaluated":
        result = row["evaluation"]
        pilot_records.evaluate_pilot(session, buyer_id, pilot.id, pilot_records.PilotEvaluationData(
            outcome=result["outcome"], rating=result["rating"], lessons_learned=result["lessons"],
            follow_on_purchase=result["follow_on"] is not None, follow_on_value=result["follow_on"]))


def _records(session: Session, buyer_id: int, pilot, row: dict, start: date) -> None:
    for milestone, (_, _, met) in zip(pilot.milestones, row["milestones"], strict=True):
        if met is not None:
            pilot_records.complete_milestone(session, buyer_id, pilot.id, milestone.id, start + timedelta(days=met))
    for kpi, (*_, measurements) in zip(pilot.kpis, row["kpis"], strict=True):
        for offset, value in measurements:
            pilot_records.record_measurement(session, buyer_id, pilot.id, kpi.id, start + timedelta(days=offset),
                                             value)
    for offset, amount, description in row["spend"]:
        pilot_records.record_spend(session, buyer_id, pilot.id, start + timedelta(days=offset), amount, description)


def _as_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=utcnow().tzinfo)


def _backdate_challenge(session: Session, challenge: Challenge, entry: dict) -> None:
    """Demo history: the challenge was published and closed before its pilots were awarded."""
    if not entry["pilots"]:
        return
    first = max(entry["pilots"], key=lambda p: p["awarded_days_ago"] + p["days_to_award"])
    published = utcnow() - timedelta(days=first["awarded_days_ago"] + first["days_to_award"])
    challenge.published_at = published
    challenge.deadline = published + timedelta(days=max(first["days_to_award"] - 14, 7))
    for application in session.scalars(select(Application).where(Application.challenge_id == challenge.id)):
        application.created_at = published + timedelta(days=5)
    session.commit()
