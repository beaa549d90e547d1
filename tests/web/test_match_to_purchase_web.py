"""The web flow: apply, criteria, declare, score, decide, award, record, evaluate; errors keep what was typed."""
import re

from app.models import Application, Pilot
from tests.pilot_scenario import award_data, criteria, scored_shortlist


def test_applicant_sees_criteria_applies_and_withdraws(client, auth, db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    criteria(db, buyer, challenge)
    innovator = make.innovator(email="ina@startup.example")
    solution = make.solution(innovator)
    auth.login("ina@startup.example")
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Impact" in page and "Apply with a solution" in page
    form = client.get(f"/challenges/{challenge.id}/apply").get_data(as_text=True)
    assert "Price" in form and "60" in form
    bad = client.post(f"/challenges/{challenge.id}/apply", data={
        "solution_id": solution.id, "approach": "My typed approach", "timeline": "", "price_currency": "EUR"})
    assert bad.status_code == 422 and "My typed approach" in bad.get_data(as_text=True)
    response = client.post(f"/challenges/{challenge.id}/apply", data={
        "solution_id": solution.id, "approach": "Charge at night", "timeline": "3 months", "price_amount": "900",
        "price_currency": "EUR", "proposal_public": "y"})
    assert response.status_code == 302
    application = db.query(Application).one()
    assert application.proposal_public and application.price_amount == 900
    assert "submitted" in client.get("/applications").get_data(as_text=True)
    client.post(f"/applications/{application.id}/withdraw")
    db.expire_all()
    assert db.get(Application, application.id).status == "withdrawn"


def test_buyer_declares_scores_and_shortlists(client, auth, db, make):
    from tests.pilot_scenario import apply
    buyer = make.buyer(email="eva@city.example")
    challenge = make.challenge(buyer)
    crit = criteria(db, buyer, challenge)
    innovator = make.innovator()
    application = apply(db, innovator, challenge, make.solution(innovator))
    auth.login("eva@city.example")
    refused = client.post(f"/applications/{application.id}/score", data={f"score_{crit[0].id}": "7"})
    assert refused.status_code == 422 and "conflict of interest" in refused.get_data(as_text=True)
    client.post(f"/challenges/{challenge.id}/conflict-declaration", data={"no_conflict": "yes"})
    bad = client.post(f"/applications/{application.id}/score", data={f"score_{crit[0].id}": "12",
                                                                     f"comment_{crit[0].id}": "typed note"})
    assert bad.status_code == 422 and "typed note" in bad.get_data(as_text=True)
    ok = client.post(f"/applications/{application.id}/score", data={f"score_{crit[0].id}": "7",
                                                                    f"score_{crit[1].id}": "5"})
    assert ok.status_code == 302
    table = client.get(f"/challenges/{challenge.id}/evaluation").get_data(as_text=True)
    assert "62.0" in table  # (60*7 + 40*5) / 100 * 10
    history = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"<td>{buyer.name}</td><td>{crit[0].name}</td><td>– → 7</td>" in history
    no_choice = client.post(f"/applications/{application.id}/decision", data={"reason": "My typed reason"})
    html = no_choice.get_data(as_text=True)
    assert no_choice.status_code == 422 and "My typed reason" in html and "Choose shortlist or reject." in html
    db.expire_all()
    assert db.get(Application, application.id).status == "submitted"
    client.post(f"/applications/{application.id}/decision", data={"decision": "shortlisted", "reason": "Good fit"})
    db.expire_all()
    assert db.get(Application, application.id).status == "shortlisted"


def test_criteria_form_reports_bad_lines(client, auth, db, make):
    buyer = make.buyer(email="eva@city.example")
    challenge = make.challenge(buyer)
    auth.login("eva@city.example")
    response = client.post(f"/challenges/{challenge.id}/criteria", data={"criteria": "Impact | lots"})
    assert response.status_code == 422 and "is not a number" in response.get_data(as_text=True)
    assert "Impact | lots" in response.get_data(as_text=True)
    ok = client.post(f"/challenges/{challenge.id}/criteria", data={"criteria": "Impact | 70 | CO2\nPrice | 30"})
    assert ok.status_code == 302


def test_award_record_and_evaluate_through_the_web(client, auth, db, make):
    buyer, _, challenge, _, application = scored_shortlist(db, make)
    auth.login("buyer@city.example")
    page = client.get(f"/challenges/{challenge.id}/award").get_data(as_text=True)
    assert f"application:{application.id}" in page
    form = {"target": f"application:{application.id}", "site": "Depot", "contract_value": "1000",
            "currency": "EUR", "start_date": "2025-01-01", "end_date": "2025-06-30",
            "kpis": "Energy | kWh | 100 | 50", "milestones": "Install | 2025-02-01", "is_public": "y"}
    bad = client.post(f"/challenges/{challenge.id}/award", data={**form, "milestones": "Install | soon"})
    assert bad.status_code == 422 and "is not a date" in bad.get_data(as_text=True)
    response = client.post(f"/challenges/{challenge.id}/award", data=form)
    assert response.status_code == 302
    pilot = db.query(Pilot).one()
    path = f"/pilots/{pilot.id}"
    assert client.post(f"{path}/status", data={"status": "running"}).status_code == 302
    refused = client.post(f"{path}/spend", data={"spent_on": "2025-02-01", "amount": "0", "description": "typed"})
    assert refused.status_code == 422 and "typed" in refused.get_data(as_text=True)
    client.post(f"{path}/milestones", data={"milestone_id": pilot.milestones[0].id, "completed_on": "2025-02-03"})
    client.post(f"{path}/measurements", data={"kpi_id": pilot.kpis[0].id, "measured_on": "2025-03-01",
                                               "value": "61.5"})
    client.post(f"{path}/spend", data={"spent_on": "2025-02-01", "amount": "500"})
    client.post(f"{path}/status", data={"status": "completed"})
    response = client.post(f"{path}/evaluate", data={"outcome": "extended", "rating": "3",
                                                     "lessons_learned": "Needs winter testing"})
    assert response.status_code == 302
    auth.logout()
    public = client.get(path).get_data(as_text=True)
    assert "Needs winter testing" in public and "61.5" in public and "2025-02-03" in public
    assert "Manage this pilot" not in public
    register = client.get("/pilots?outcome=extended").get_data(as_text=True)
    assert re.search(rf'href="/pilots/{pilot.id}"', register)


def test_outsiders_cannot_manage_pilots(client, auth, db, make):
    buyer, innovator, challenge, _, application = scored_shortlist(db, make)
    from app.services.procurement import pilots
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    make.buyer(email="other@town.example")
    auth.login("other@town.example")
    assert client.post(f"/pilots/{pilot.id}/status", data={"status": "running"}).status_code == 403
    assert client.get(f"/challenges/{challenge.id}/award").status_code == 403
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.get(f"/challenges/{challenge.id}/evaluation").status_code == 403


def test_solution_page_shows_pilot_evidence(client, db, make):
    from tests.pilot_scenario import evaluated_pilot
    *_, solution, _, pilot = evaluated_pilot(db, make)
    html = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "Piloted in 1 city, adopted by 1, average rating 4.0." in html
    assert f'href="/pilots/{pilot.id}"' in html
