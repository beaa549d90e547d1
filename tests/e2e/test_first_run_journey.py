"""In a real browser: a new member's dashboard guides the first run (issue 16, point 2).

The checklist ticks itself off from what the organisation really did and disappears when done; empty
lists say why they are empty and link the next step; the confirm-e-mail notice is information, not an error.
"""
from __future__ import annotations

from sqlalchemy import select

from app.models import User
from app.services.marketplace import saved_challenges


def _steps(page) -> dict[str, bool]:
    return {item.get_attribute("data-step"): "done" in (item.get_attribute("class") or "")
            for item in page.locator(".checklist li").all()}


def test_new_innovator_is_guided_until_the_checklist_disappears(live_server, live_make, ui, page):
    open_challenge = live_make.challenge(title="Smart charging for our bus depot")
    ui.sign_up(page, side="innovator", email="first@run.example", organisation_name="First Run Oy")

    notice = page.locator(".banner-confirm")
    assert "flash-info" in notice.get_attribute("class")
    assert page.locator(".flash-danger, .flash-warning").count() == 0
    assert _steps(page) == {"profile": False, "publish": False, "matches": False, "digests": False}
    empty = page.locator(".dashboard-matches .empty")
    assert "you have none yet" in empty.inner_text()
    assert page.locator(".dashboard-matches").get_by_text("All 0 matches").count() == 0
    empty.get_by_role("link", name="List a solution").click()
    page.wait_for_url(ui.url("/solutions/new"))

    page.goto(ui.url("/dashboard"))
    page.locator(".checklist").get_by_role("link", name="Complete your organisation's profile").click()
    page.fill("#website", "https://firstrun.example")
    page.fill("#description", "We make depot charging smarter for electric bus fleets.")
    page.click("main button:has-text('Save')")
    page.goto(ui.url("/dashboard"))
    assert _steps(page)["profile"] is True
    assert "1 of 4 done" in page.locator("#checklist-heading").inner_text()

    user = live_make.session.scalar(select(User).where(User.email == "first@run.example"))
    live_make.solution(user, title="Depot charging optimiser")
    page.locator(".checklist").get_by_role("link", name="Choose when you get the digest e-mail").click()
    page.click("button:has-text('Save settings')")
    page.wait_for_selector("text=Digest settings saved")
    page.goto(ui.url("/dashboard"))
    assert _steps(page) == {"profile": True, "publish": True, "matches": False, "digests": True}

    saved_challenges.save_challenge(live_make.session, user.id, open_challenge.id)
    page.reload()
    assert page.locator(".checklist").count() == 0  # all done: the checklist is gone


def test_new_buyer_sees_why_lists_are_empty(live_server, ui, page):
    ui.sign_up(page, side="buyer", email="first@buyer.example")
    assert "0 of 4 done" in page.locator("#checklist-heading").inner_text()
    assert page.locator(".checklist").get_by_role("link", name="Publish your first challenge").is_visible()
    assert "post your first challenge" in page.locator("table").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    assert page.locator("h1").inner_text() == "Applications to your challenges"
    assert page.get_by_role("link", name="Post a challenge").is_visible()
