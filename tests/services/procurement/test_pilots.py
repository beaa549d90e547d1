"""Pilot purchases: award, lifecycle, records, evaluation, evidence, statistics."""
from datetime import date

import pytest

from app.code_lists import SECTORS
from app.models import Match, OutboxMessage, Pilot
from app.services.errors import InvalidTransition, NotFound, ValidationFailed
from app.services.procurement import pilot_records, pilots
from app.services.transparency import pilot_register_queries as pilot_register
from app.services.transparency import statistics
from tests.pilot_scenario import award_data, evaluated_pilot, scored_shortlist

PILOT_STATUSES = ("planned", "running", "completed", "evaluated", "cancelled")
VALID = {("planned", "running"), ("planned", "cancelled"), ("running", "completed"), ("running", "cancelled"),
         ("completed", "evaluated"), ("completed", "cancelled")}


def test_award_to_shortlisted_application(db, make):
    buyer, innovator, challenge, solution, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    assert (pilot.status, pilot.supplier_id, pilot.solution_id) == ("planned", innovator.organisation_id, solution.id)
    assert [k.name for k in pilot.kpis] == ["Diesel use"] and len(pilot.milestones) == 2
    assert application.status == "awarded" and challenge.status == "awarded"
    assert db.query(OutboxMessage).filter_by(kind="application_status").count() == 2  # shortlisted, awarded


def test_award_refuses_bad_input_and_unshortlisted(db, make):
    buyer, _, challenge, _, application = scored_shortlist(db, make)
    bad = award_data(contract_value=None, start_date=date(2025, 5, 1), end_date=date(2025, 4, 1), site="",
                     kpis=[pilots.KpiData("x", "", 1, None)])
    with pytest.raises(ValidationFailed) as info:
        pilots.award_to_application(db, buyer.id, application.id, bad, settings=make.settings)
    assert {"contract_value", "end_date", "site", "kpis"} <= set(info.value.errors)
    assert db.query(Pilot).count() == 0
    application.status = "rejected"
    db.commit()
    with pytest.raises(InvalidTransition):
        pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)


def test_direct_award_only_to_a_matched_solution(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    from app.services.marketplace import challenges
    challenges.change_status(db, buyer.id, challenge.id, "evaluation", settings=make.settings)
    solution = make.solution()
    with pytest.raises(ValidationFailed):
        pilots.award_to_solution(db, buyer.id, challenge.id, solution.id, award_data())
    db.add(Match(challenge_id=challenge.id, solution_id=solution.id, score=0.8, reasons=[], model_version="t"))
    db.commit()
    assert pilots.award_options(db, buyer.id, challenge.id)[1] == [solution]
    pilot = pilots.award_to_solution(db, buyer.id, challenge.id, solution.id, award_data())
    assert pilot.application_id is None and pilot.supplier_id == solution.organisation_id


def test_invalid_pilot_moves_are_refused(db, make):
    """Every pair outside the pilot lifecycle (19 of them) is refused and leaves the status unchanged."""
    buyer, *_, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), notify=False,
                                        settings=make.settings)
    invalid = [(a, b) for a in PILOT_STATUSES for b in PILOT_STATUSES if (a, b) not in VALID]
    assert len(invalid) == 19
    for start, target in invalid:
        pilot.status = start
        db.commit()
        with pytest.raises(InvalidTransition):
            pilots.change_pilot_status(db, buyer.id, pilot.id, target, reason="because")
        db.expire_all()
        assert db.get(Pilot, pilot.id).status == start, (start, target)


def test_cancel_needs_a_reason(db, make):
    buyer, *_, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    with pytest.raises(ValidationFailed):
        pilots.change_pilot_status(db, buyer.id, pilot.id, "cancelled", " ")
    pilots.change_pilot_status(db, buyer.id, pilot.id, "cancelled", "Supplier went bankrupt")
    assert (pilot.status, pilot.cancel_reason) == ("cancelled", "Supplier went bankrupt")


def test_records_only_while_running_or_completed(db, make):
    buyer, *_, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    with pytest.raises(InvalidTransition):
        pilot_records.record_spend(db, buyer.id, pilot.id, date(2025, 4, 1), 100)
    pilots.change_pilot_status(db, buyer.id, pilot.id, "running")
    with pytest.raises(ValidationFailed) as info:
        pilot_records.record_measurement(db, buyer.id, pilot.id, pilot.kpis[0].id, None, None)
    assert set(info.value.errors) == {"measured_on", "value"}
    with pytest.raises(NotFound):
        pilot_records.complete_milestone(db, buyer.id, pilot.id, 424242, date(2025, 4, 1))
    with pytest.raises(InvalidTransition):
        pilot_records.evaluate_pilot(db, buyer.id, pilot.id, pilot_records.PilotEvaluationData("adopted", 5, "x"))


def test_only_the_buyer_changes_a_pilot(db, make):
    buyer, innovator, *_, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    from app.services.errors import Forbidden
    with pytest.raises(Forbidden):
        pilots.change_pilot_status(db, innovator.id, pilot.id, "running")


def test_full_pilot_gives_evidence_and_statistics(db, make):
    buyer, _, challenge, solution, _, pilot = evaluated_pilot(db, make)
    assert pilot.status == "evaluated" and pilot.follow_on_value == 400000
    evidence = pilot_register.evidence_for_solution(db, solution.id)
    assert (evidence.cities, evidence.adopted_by, evidence.average_rating) == (1, 1, 4.0)
    figures = statistics.platform_statistics(db)
    assert figures.charts["funnel"].datasets["Count"] == [1, 1, 1, 1]
    sector = SECTORS[challenge.sector]
    assert "spend_sector_EUR" not in figures.charts  # one sector: a table row, not a one-bar chart
    assert figures.spend == [(sector, "EUR", 20000)]
    assert figures.charts["sectors"].datasets == {"Challenges": [1], "Pilots": [1], "Adopted": [1]}
    outcomes = figures.charts["outcomes"]
    assert outcomes.labels == [str(pilot.awarded_at.year)] and outcomes.datasets == {"Adopted": [1]}
    expected = (pilot.awarded_at - challenge.published_at).total_seconds() / 86400
    assert figures.median_days_to_award == round(expected, 1)


def test_private_pilots_stay_out_of_register_and_evidence(db, make):
    buyer, *_, solution, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(is_public=False),
                                        settings=make.settings)
    assert pilot_register.search_pilots(db, pilot_register.PilotQuery()).total == 0
    assert pilot_register.evidence_for_solution(db, solution.id).pilots == []
    with pytest.raises(NotFound):
        pilot_register.view_pilot(db, pilot.id, None)
    assert pilot_register.view_pilot(db, pilot.id, buyer.organisation_id) is pilot


def test_register_filters(db, make):
    evaluated_pilot(db, make)
    search = pilot_register.search_pilots
    assert search(db, pilot_register.PilotQuery(sector="mobility", country="FI", outcome="adopted")).total == 1
    assert search(db, pilot_register.PilotQuery(sector="water")).total == 0
    assert search(db, pilot_register.PilotQuery(country="DE")).total == 0
    assert search(db, pilot_register.PilotQuery(status="running")).total == 0
    assert search(db, pilot_register.PilotQuery(outcome="not_adopted")).total == 0
