"""In a real browser: every object page carries its next steps (issue 16, point 1).

A buyer's challenge page links its matches and applications with counts; a visitor is told how to
take part; an innovator sees Saved / Applied wherever the challenge appears; Hide can be undone and
hidden matches restored; the signed-in menu collapses on a phone and works from the keyboard.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from app.services.procurement import applications
from app.services.recommendations import rebuild as matches
from tests.factories import PASSWORD


def _market(make):
    """One open challenge of a buyer, three published solutions of one innovator, matches stored."""
    buyer = make.buyer(email="buyer@workflow.example")
    innovator = make.innovator(email="innovator@workflow.example")
    challenge = make.challenge(buyer, title="Smart charging for our bus depot")
    applied = make.challenge(buyer, title="Electric ferry charging at the harbour",
                             summary="Charge electric ferries during short stops.")
    solutions = [make.solution(innovator, title=f"Depot charging optimiser {n}",
                               description="Schedules the charging of electric buses and ferries during short stops.")
                 for n in range(3)]
    # Unrelated items make "charging" a rare word, so the pairs are matches of possible strength or more,
    # which the lists show by default (among a handful of look-alike items every word is common).
    make.challenge(buyer, title="School meal planning", summary="Healthy school meals with less food waste.")
    make.solution(make.innovator(email="meals@workflow.example"), title="Canteen waste tracker",
                  description="Weighs plate waste in school canteens.")
    make.solution(make.innovator(email="trees@workflow.example"), title="Street tree watering sensors",
                  description="Soil moisture sensors tell crews which trees need water.")
    matches.rebuild(make.session)
    applications.apply_to_challenge(make.session, innovator.id, applied.id, applications.ApplicationData(
        solution_id=solutions[0].id, approach="We schedule ferry charging around the timetable at every stop.",
        timeline="Six months from contract."))
    return buyer, innovator, challenge, applied


def test_buyer_challenge_page_links_matches_and_applications_with_counts(live_server, live_make, ui, page):
    buyer, _, challenge, applied = _market(live_make)
    ui.log_in(page, buyer.email, PASSWORD)
    page.goto(ui.url(f"/challenges/{applied.id}"))
    workflow = page.get_by_role("navigation", name="This challenge's next steps")
    assert workflow.get_by_role("link", name="Applications (1)").is_visible()
    link = workflow.get_by_role("link", name=re.compile(r"Matching solutions \(\d+\)"))
    shown = int(re.search(r"\((\d+)\)", link.inner_text()).group(1))
    assert shown > 0
    link.click()
    page.wait_for_url(ui.url(f"/challenges/{applied.id}/matches"))
    assert page.locator(".match").count() == shown
    page.goto(ui.url("/dashboard"))
    header = page.get_by_role("navigation", name="Main")
    for name in ("Dashboard", "Matches", "Applications", "Saved", "Account"):
        assert header.get_by_role("link", name=name, exact=True).is_visible(), name


def test_visitor_is_told_how_to_apply(live_server, live_make, ui, page):
    _, _, challenge, _ = _market(live_make)
    page.goto(ui.url(f"/challenges/{challenge.id}"))
    prompt = page.locator(".take-part")
    assert prompt.inner_text().strip() == "Log in or sign up to apply."
    prompt.get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r".*/login\?next=.*"))


def test_innovator_sees_saved_and_applied_everywhere(live_server, live_make, ui, page):
    _, innovator, challenge, applied = _market(live_make)
    ui.log_in(page, innovator.email, PASSWORD)
    page.goto(ui.url(f"/challenges/{challenge.id}"))
    page.click("button:has-text('Save — remind me')")
    page.wait_for_selector("text=Saved. Your digest")
    assert page.locator("h1 .badge-saved").inner_text() == "Saved"
    page.goto(ui.url("/challenges"))
    card = page.locator(".card", has=page.locator("h3 a", has_text=challenge.title))
    assert card.locator(".badge-saved").is_visible()
    applied_card = page.locator(".card", has=page.locator("h3 a", has_text=applied.title))
    assert applied_card.locator(".badge-applied").inner_text() == "Applied"
    assert card.get_by_text("Deadline").is_visible()  # cards carry the deadline (and the budget when set)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved").click()
    page.wait_for_url(ui.url("/saved"))
    assert page.locator(".card h3 a").all_inner_texts() == [challenge.title]


def test_hide_has_undo_and_a_hidden_list_that_restores(live_server, live_make, ui, page):
    _, innovator, _, _ = _market(live_make)
    ui.log_in(page, innovator.email, PASSWORD)
    page.goto(ui.url("/matches"))

    def pairs():
        return {(card.get_attribute("data-challenge"), card.get_attribute("data-solution"))
                for card in page.locator(".match").all()}

    before = pairs()
    first = page.locator(".match").first
    pair = (first.get_attribute("data-challenge"), first.get_attribute("data-solution"))
    first.get_by_role("button", name="Hide").click()
    page.wait_for_selector("text=Match hidden")
    assert pair not in pairs()
    page.locator(".undo").get_by_role("button", name="Undo").click()
    page.wait_for_selector("text=Match restored")
    assert pairs() == before

    page.locator(".match").first.get_by_role("button", name="Hide").click()
    page.locator(".undo").get_by_role("link", name="Hidden matches").click()
    page.wait_for_url(ui.url("/matches/hidden"))
    assert page.locator("tbody tr").count() == 1
    page.locator("tbody tr").get_by_role("button", name=re.compile("Restore")).click()
    page.wait_for_selector("text=Match restored")
    assert page.get_by_text("Nothing is hidden").is_visible()
    page.goto(ui.url("/matches"))
    assert pairs() == before


def test_phone_menu_collapses_and_works_by_keyboard(live_server, live_make, ui, new_page):
    _, innovator, _, _ = _market(live_make)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    ui.log_in(page, innovator.email, PASSWORD)
    toggle = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.get_by_role("link", name="Matches").is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Matches").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Challenges"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.set_viewport_size({"width": 1280, "height": 800})  # the media-query listener runs asynchronously
    expect(toggle).to_be_hidden()
    expect(nav.get_by_role("link", name="Matches")).to_be_visible()


def test_feedback_buttons_show_and_announce_their_pressed_state(live_server, live_make, ui, page):
    _, innovator, _, _ = _market(live_make)
    ui.log_in(page, innovator.email, PASSWORD)
    page.goto(ui.url("/matches"))
    card = page.locator(".match").first
    pair = card.get_attribute("data-challenge"), card.get_attribute("data-solution")
    relevant = card.get_by_role("button", name="Relevant", exact=True)
    assert relevant.get_attribute("aria-pressed") == "false"
    unpressed = relevant.evaluate("b => getComputedStyle(b).backgroundColor")
    relevant.click()
    page.wait_for_selector("text=Marked relevant")
    card = page.locator(f".match[data-challenge='{pair[0]}'][data-solution='{pair[1]}']")
    pressed = card.get_by_role("button", name="Relevant", exact=True)
    assert pressed.get_attribute("aria-pressed") == "true"
    assert pressed.evaluate("b => getComputedStyle(b).backgroundColor") != unpressed
    assert card.get_by_role("button", name="Not relevant").get_attribute("aria-pressed") == "false"
