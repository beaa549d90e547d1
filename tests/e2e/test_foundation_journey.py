"""In a real browser: a buyer signs up, posts and publishes a challenge; an anonymous visitor finds it."""
from __future__ import annotations

from datetime import timedelta

from app.db import utcnow

TITLE = "Detect drinking-water leaks before the streets flood"


def _post_challenge(page, ui) -> str:
    """Fill /challenges/new as a buyer, save the draft, publish it; return the challenge's URL."""
    page.click("a:has-text('Post a challenge')")
    page.fill("#title", TITLE)
    page.fill("#summary", "Our 1,200 km pipe network loses a quarter of the water it carries.")
    page.fill("#problem_statement", "Leaks are found only when the street caves in. We need acoustic or "
                                    "pressure-based detection that finds leaks weeks earlier.")
    page.fill("#desired_outcomes", "Non-revenue water below 15% within two years.")
    page.select_option("#sector", "water")
    page.fill("#tags", "leak detection, pipes, sensors")
    page.select_option("#trl_expected", "7")
    page.fill("#budget_min", "50000")
    page.fill("#budget_max", "250000")
    page.fill("#location", "Tampere")
    page.fill("#deadline", (utcnow() + timedelta(days=45)).date().isoformat())
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Draft saved")
    assert page.locator(".status").inner_text() == "draft"
    challenge_url = page.url
    page.click("button:has-text('Publish')")
    page.wait_for_selector("text=Challenge published")  # publishing leads straight to the matching solutions
    assert page.url.endswith("/matches")
    page.goto(challenge_url)
    assert page.locator(".status").inner_text() == "open"
    return challenge_url


def test_buyer_publishes_and_anonymous_visitor_finds_it(live_server, ui, page, new_page):
    buyer = ui.sign_up(page, side="buyer", organisation_name="City of Tampere", email="water@tampere.example")
    assert "Hello, " + buyer.name in page.inner_text("h1")
    challenge_url = _post_challenge(page, ui)

    visitor = new_page()  # another browser context: no cookies, not signed in
    visitor.goto(ui.url("/challenges"))
    assert visitor.locator("header").get_by_text("Log in").is_visible()
    visitor.fill("form.filters input[name=q]", "leaks")
    visitor.click("form.filters button:has-text('Search')")
    visitor.wait_for_url("**/challenges?*q=leaks*")
    result = visitor.locator(".card h3 a", has_text=TITLE)
    assert result.count() == 1
    result.click()
    visitor.wait_for_url(challenge_url)

    assert visitor.locator("h1").inner_text() == TITLE
    assert visitor.get_by_text("City of Tampere").first.is_visible()
    assert visitor.locator(".facts").get_by_text("Water").is_visible()
    assert visitor.locator(".facts").get_by_text("50,000").is_visible()
    assert visitor.locator(".owner-actions").count() == 0  # the visitor sees no Edit / Close buttons
    path = ui.screenshot(visitor, "challenge-page")
    assert path.stat().st_size > 10_000


def test_draft_is_not_found_by_visitors(live_server, ui, page, new_page, live_make):
    buyer = live_make.buyer(email="draft@city.example")
    live_make.challenge(buyer, publish=False, title="Secret draft about leaks")
    ui.log_in(page, "draft@city.example")
    assert page.get_by_text("Secret draft about leaks").is_visible()  # the owner sees it on the dashboard

    visitor = new_page()
    visitor.goto(ui.url("/challenges?q=leaks"))
    assert visitor.get_by_text("No open challenges match").is_visible()
    assert visitor.locator(".search-empty a").count() == 0  # no other status or spelling hints at the draft
