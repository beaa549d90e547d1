"""Builders for the match-to-purchase tests: an application, a scored shortlist, an awarded pilot."""
from __future__ import annotations

from datetime import date

from app.services.procurement import applications, evaluation, pilot_records, pilots

COMMENT = "Evaluator note: the depot plan looks thin, ask about grid capacity"


def criteria(db, buyer, challenge):
    return evaluation.set_criteria(db, buyer.id, challenge.id, [
        evaluation.CriterionData("Impact", 60, "Emission cut"), evaluation.CriterionData("Price", 40)])


def apply(db, innovator, challenge, solution, *, public=True, price=40000):
    data = applications.ApplicationData(solution_id=solution.id, approach="Overnight smart charging of 20 buses.",
                                        timeline="Six months", price_amount=price, proposal_public=public)
    return applications.apply_to_challenge(db, innovator.id, challenge.id, data)


def award_data(**overrides):
    values = dict(contract_value=50000, currency="EUR", start_date=date(2025, 3, 1), end_date=date(2025, 9, 30),
                  site="Depot North", description="Twenty buses charge overnight.",
                  kpis=[pilots.KpiData("Diesel use", "litres/day", 900, 300)],
                  milestones=[pilots.MilestoneData("Chargers installed", date(2025, 4, 1)),
                              pilots.MilestoneData("First report", date(2025, 6, 1))])
    values.update(overrides)
    return pilots.AwardData(**values)


def scored_shortlist(db, make, *, public=True):
    """Buyer + open challenge with criteria, an application scored and shortlisted, challenge in evaluation."""
    buyer = make.buyer(email="buyer@city.example")
    innovator = make.innovator(email="founder@startup.example")
    challenge = make.challenge(buyer)
    crit = criteria(db, buyer, challenge)
    solution = make.solution(innovator)
    application = apply(db, innovator, challenge, solution, public=public)
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)
    evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (8, COMMENT), crit[1].id: (6, "")})
    from app.services.marketplace import challenges
    challenges.change_status(db, buyer.id, challenge.id, "evaluation", settings=make.settings)
    evaluation.decide_application(db, buyer.id, application.id, "shortlisted", "Strong impact case",
                                  settings=make.settings)
    return buyer, innovator, challenge, solution, application


def evaluated_pilot(db, make, *, public=True):
    buyer, innovator, challenge, solution, application = scored_shortlist(db, make, public=public)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    pilots.change_pilot_status(db, buyer.id, pilot.id, "running")
    pilot_records.complete_milestone(db, buyer.id, pilot.id, pilot.milestones[0].id, date(2025, 3, 28))
    pilot_records.record_measurement(db, buyer.id, pilot.id, pilot.kpis[0].id, date(2025, 5, 1), 420.5)
    pilot_records.record_spend(db, buyer.id, pilot.id, date(2025, 4, 2), 20000, "Chargers")
    pilots.change_pilot_status(db, buyer.id, pilot.id, "completed")
    pilot_records.evaluate_pilot(db, buyer.id, pilot.id, pilot_records.PilotEvaluationData(
        outcome="adopted", rating=4, lessons_learned="Night charging works.", follow_on_purchase=True,
        follow_on_value=400000))
    return buyer, innovator, challenge, solution, application, pilot
