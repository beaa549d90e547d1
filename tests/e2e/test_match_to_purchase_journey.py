"""In a real browser: an innovator applies, the buyer scores and shortlists, awards a pilot, records a milestone
and an outcome; the pilot appears in the public register, the statistics and the OCDS export, which validates."""
from __future__ import annotations

import json

from app.services.procurement import evaluation
from tests.web.test_open_data import assert_valid_ocds

BUYER, INNOVATOR = "eva@tampere.example", "ina@chargeco.example"


def test_match_to_purchase_in_the_browser(live_server, live_make, ui, page, new_page):
    buyer = live_make.buyer(email=BUYER, org_name="City of Tampere")
    challenge = live_make.challenge(buyer, title="Electric bus depot charging")
    evaluation.set_criteria(live_make.session, buyer.id, challenge.id, [
        evaluation.CriterionData("Impact", 70, "Peak load cut"), evaluation.CriterionData("Price", 30)])
    innovator = live_make.innovator(email=INNOVATOR, org_name="ChargeCo")
    live_make.solution(innovator, title="NightCharge scheduler")
    challenge_url = ui.url(f"/challenges/{challenge.id}")

    # The innovator sees the weighted criteria and applies.
    ui.log_in(page, INNOVATOR)
    page.goto(challenge_url)
    assert page.locator("table.criteria").inner_text().count("70") == 1
    page.click("a:has-text('Apply with a solution')")
    page.fill("#approach", "Schedule charging of 40 buses overnight.")
    page.fill("#price_amount", "45000")
    page.fill("#timeline", "Six months")
    page.check("#proposal_public")
    page.click("button:has-text('Submit application')")
    page.wait_for_selector("#application-status:has-text('submitted')")
    application_url = page.url
    ui.log_out(page)

    # The buyer declares no conflict, scores, starts evaluation and shortlists with a reason.
    ui.log_in(page, BUYER)
    page.goto(ui.url(f"/challenges/{challenge.id}/evaluation"))
    page.check("#no_conflict")
    page.click("button:has-text('Declare and start scoring')")
    page.wait_for_selector("text=Declaration recorded")
    page.click("#ranking a:has-text('NightCharge scheduler')")
    page.click("a:has-text('Score')")
    page.fill("input[name^=score_] >> nth=0", "8")
    page.fill("input[name^=comment_] >> nth=0", "Solid plan")
    page.fill("input[name^=score_] >> nth=1", "6")
    page.click("button:has-text('Save scores')")
    assert "74.0" in page.locator("#ranking").inner_text()  # (70*8 + 30*6) / 100 * 10
    page.goto(challenge_url)
    page.click("button:has-text('Start evaluation')")
    page.wait_for_selector("text=Challenge is now evaluation")
    page.goto(application_url)
    page.check("input[name=decision][value=shortlisted]")
    page.fill("#reason", "Best impact case")
    page.click("button:has-text('Save decision')")
    page.wait_for_selector("#application-status:has-text('shortlisted')")

    # Award the pilot, start it, record a milestone, complete and evaluate it.
    page.goto(challenge_url)
    page.click("a:has-text('Award a pilot')")
    page.select_option("#target", index=1)
    page.fill("#site", "Hervanta depot")
    page.fill("#contract_value", "45000")
    page.fill("#start_date", "2026-01-05")
    page.fill("#end_date", "2026-06-30")
    page.fill("#kpis", "Peak load | kW | 1200 | 800")
    page.fill("#milestones", "Chargers connected | 2026-02-01")
    page.click("button:has-text('Award pilot')")
    page.wait_for_selector("#pilot-status:has-text('planned')")
    pilot_url = page.url
    page.select_option("#status-form select[name=status]", "running")
    page.click("#status-form button")
    page.wait_for_selector("#pilot-status:has-text('running')")
    page.fill("#milestone-form input[name=completed_on]", "2026-01-30")
    page.click("#milestone-form button")
    page.wait_for_selector("#milestones td:has-text('2026-01-30')")
    page.fill("#spend-form input[name=spent_on]", "2026-02-15")
    page.fill("#spend-form input[name=amount]", "20000")
    page.click("#spend-form button")
    page.wait_for_selector("#spend td:has-text('20,000 EUR')")
    page.select_option("#status-form select[name=status]", "completed")
    page.click("#status-form button")
    page.click("a:has-text('Record the evaluation')")
    page.select_option("#outcome", "adopted")
    page.select_option("#rating", "5")
    page.fill("#lessons_learned", "Peak load fell by a third.")
    page.check("#follow_on_purchase")
    page.fill("#follow_on_value", "300000")
    page.click("button:has-text('Save evaluation')")
    page.wait_for_selector("#pilot-status:has-text('evaluated')")
    ui.screenshot(page, "pilot-evaluated")

    # The public sees it: register, statistics (real charts), OCDS export that validates.
    visitor = new_page()
    visitor.goto(ui.url("/pilots?outcome=adopted"))
    visitor.click("#pilots a:has-text('NightCharge scheduler')")
    assert visitor.url == pilot_url
    assert "Peak load fell by a third." in visitor.inner_text("#pilot-outcome")
    visitor.goto(ui.url("/statistics"))
    visitor.wait_for_selector("canvas[data-chart=funnel][data-drawn=true]")
    assert visitor.inner_text("#total-adopted") == "1"
    assert visitor.inner_text("#total-pilots") == "1"
    visitor.click("#chart-outcomes-title ~ details summary")
    assert "Adopted" in visitor.inner_text("#table-outcomes")
    ui.screenshot(visitor, "statistics")
    package = json.loads(visitor.request.get(ui.url("/open-data/ocds.json")).text())
    assert_valid_ocds(package)
    (release,) = package["releases"]
    assert release["awards"][0]["suppliers"][0]["name"] == "ChargeCo"
    assert release["contracts"][0]["implementation"]["milestones"][0]["status"] == "met"
    assert release["contracts"][1]["value"]["amount"] == 300000
    assert INNOVATOR not in json.dumps(package) and "Solid plan" not in json.dumps(package)
