"""Phases with down-selection: dates, eligibility, budget and places, closing, notices, the funnel."""
from datetime import date

import pytest

from app.models import ChallengePhase, OutboxMessage, PhaseApplication, PhaseSelection, Pilot
from app.services.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from app.services.procurement import phase_queries, phases


def phase_data(name, start, end, budget=100_000, places=2):
    return phases.PhaseData(name=name, start_date=start, end_date=end, budget=budget, places=places,
                            criteria="Feasibility")


def programme(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    design = phases.add_phase(db, buyer.id, challenge.id, phase_data("Design", date(2027, 1, 1), date(2027, 3, 31)))
    prototype = phases.add_phase(db, buyer.id, challenge.id,
                                 phase_data("Prototype", date(2027, 4, 1), date(2027, 9, 30), budget=300_000, places=1))
    return buyer, challenge, design, prototype


def applicant(db, make, phase, name):
    innovator = make.innovator(org_name=name)
    solution = make.solution(innovator)
    return innovator, phases.apply(db, innovator.id, phase.id, solution.id, "Our plan")


def test_overlapping_dates_are_refused(db, make):
    buyer, challenge, _, _ = programme(db, make)
    with pytest.raises(ValidationFailed) as info:
        phases.add_phase(db, buyer.id, challenge.id, phase_data("Field test", date(2027, 9, 1), date(2027, 12, 1)))
    assert "cannot overlap" in info.value.errors["start_date"]
    assert db.query(ChallengePhase).count() == 2


def test_bad_phase_fields_are_refused(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    with pytest.raises(ValidationFailed) as info:
        phases.add_phase(db, buyer.id, challenge.id, phases.PhaseData("", date(2027, 5, 1), date(2027, 4, 1), 0, 0))
    assert set(info.value.errors) == {"name", "end_date", "budget", "places"}


def test_phase_one_is_open_to_all_a_later_phase_only_to_the_selected(db, make, settings):
    buyer, _, design, prototype = programme(db, make)
    chosen, application = applicant(db, make, design, "Chosen Ltd")
    other, _ = applicant(db, make, design, "Other Ltd")
    phases.select_supplier(db, buyer.id, application.id, 40_000, "Best design")
    with pytest.raises(Forbidden):  # the design phase's selection is not closed yet
        phases.apply(db, chosen.id, prototype.id, make.solution(chosen).id, "Prototype plan")
    phases.close_selection(db, buyer.id, design.id, "Weaker feasibility", settings=settings)
    with pytest.raises(Forbidden) as info:
        phases.apply(db, other.id, prototype.id, make.solution(other).id, "Let me in")
    assert "Only suppliers selected in Design may apply to Prototype" in info.value.message
    phases.apply(db, chosen.id, prototype.id, make.solution(chosen).id, "Prototype plan")
    assert db.query(PhaseApplication).filter_by(phase_id=prototype.id).count() == 1


def test_selection_creates_a_pilot_contract(db, make):
    buyer, challenge, design, _ = programme(db, make)
    innovator, application = applicant(db, make, design, "Chosen Ltd")
    selection = phases.select_supplier(db, buyer.id, application.id, 40_000, "Best design")
    pilot = selection.pilot
    assert (pilot.supplier_id, pilot.contract_value, pilot.start_date) == (innovator.organisation_id, 40_000,
                                                                           date(2027, 1, 1))
    assert pilot.title.startswith("Design: ") and challenge.status == "open"  # not awarded by a phase


def test_over_budget_and_over_places_are_refused_and_write_nothing(db, make):
    buyer, _, design, _ = programme(db, make)
    first = applicant(db, make, design, "A")[1]
    second = applicant(db, make, design, "B")[1]
    third = applicant(db, make, design, "C")[1]
    phases.select_supplier(db, buyer.id, first.id, 70_000, "Good")
    with pytest.raises(Conflict) as info:
        phases.select_supplier(db, buyer.id, second.id, 40_000, "Good too")
    assert "Over budget" in info.value.message and "30,000 EUR left" in info.value.message
    phases.select_supplier(db, buyer.id, second.id, 30_000, "Good too")
    with pytest.raises(Conflict) as info:
        phases.select_supplier(db, buyer.id, third.id, 1, "Cheap")
    assert "All 2 places of Design are filled" in info.value.message
    assert db.query(PhaseSelection).count() == 2 and db.query(Pilot).count() == 2


def test_selection_needs_a_reason(db, make):
    buyer, _, design, _ = programme(db, make)
    application = applicant(db, make, design, "A")[1]
    with pytest.raises(ValidationFailed):
        phases.select_supplier(db, buyer.id, application.id, 1000, " ")
    assert db.query(Pilot).count() == 0


def test_closing_tells_the_others_and_is_final(db, make, settings):
    buyer, _, design, _ = programme(db, make)
    application = applicant(db, make, design, "A")[1]
    late = applicant(db, make, design, "B")[1]
    phases.select_supplier(db, buyer.id, application.id, 1000, "Best")
    phases.close_selection(db, buyer.id, design.id, "Budget went to stronger designs", settings=settings)
    message = db.query(OutboxMessage).filter_by(kind="phase_not_selected").one()
    assert "Budget went to stronger designs" in message.text_body
    with pytest.raises(InvalidTransition):  # a phase is not reopened after selection
        phases.select_supplier(db, buyer.id, late.id, 1000, "Changed my mind")
    with pytest.raises(InvalidTransition):
        phases.close_selection(db, buyer.id, design.id, "again", settings=settings)


def test_only_owners_select(db, make):
    _, _, design, _ = programme(db, make)
    application = applicant(db, make, design, "A")[1]
    with pytest.raises(Forbidden):
        phases.select_supplier(db, make.buyer().id, application.id, 1000, "Not mine")


def test_funnel_counts_and_names_once_public(db, make, settings):
    buyer, challenge, design, prototype = programme(db, make)
    a = applicant(db, make, design, "Alpha")
    applicant(db, make, design, "Beta")
    phases.select_supplier(db, buyer.id, a[1].id, 1000, "Best")
    steps = phase_queries.funnel(db, challenge.id)
    assert [(s.label, s.count, s.names) for s in steps] == [
        ("Applied", 2, []), ("Phase 1: Design", 1, []), ("Phase 2: Prototype", 0, []), ("Implementation", 0, [])]
    phases.close_selection(db, buyer.id, design.id, "Fewer places", settings=settings)
    assert phase_queries.funnel(db, challenge.id)[1].names == ["Alpha"]
