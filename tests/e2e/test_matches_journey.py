"""In a real browser: an innovator from the seed data sees a seeded challenge in its top matches with a
readable reason, hides one, and it stays hidden."""
from __future__ import annotations

from app.config import ROOT
from app.services.recommendations import rebuild as matches
from app.services.seeding import demo_data as seeding

INNOVATOR = "tiago.almeida@leaksense.example"  # LeakSense Analytics, a demo login in the README


def _load_seed_subset(session, settings) -> None:
    """The real seed files, cut to the water and mobility sectors to keep the test quick."""
    data = seeding.read_seed_files(ROOT / "seed_data")
    challenges = [c for c in data["challenges"] if c["sector"] in {"water", "mobility"}]
    solutions = [s for s in data["solutions"] if set(s["sectors"]) & {"water", "mobility"}]
    keys = {c["buyer"] for c in challenges} | {s["innovator"] for s in solutions}
    organisations = [o for o in data["organisations"] if o["key"] in keys]
    seeding.load(session, {"organisations": organisations, "challenges": challenges, "solutions": solutions},
                 settings=settings)
    matches.rebuild(session)


def test_innovator_sees_reasons_hides_a_match_and_it_stays_hidden(live_server, live_make, ui, page):
    _load_seed_subset(live_make.session, live_make.settings)
    ui.log_in(page, INNOVATOR, seeding.DEMO_PASSWORD)

    cards = page.locator(".dashboard-matches .match")
    assert cards.count() > 0
    titles = cards.locator("h3 a").all_inner_texts()
    assert any("water" in title.lower() for title in titles[:3]), titles
    first_reasons = cards.first.locator(".reason").all_inner_texts()
    assert any(text.startswith("shares: ") for text in first_reasons), first_reasons
    ui.screenshot(page, "innovator-dashboard-matches")

    page.click("a:has-text('matches →')")
    page.wait_for_url(ui.url("/matches"))
    first = page.locator(".match").first
    hidden_title = first.locator("h3 a").inner_text()
    hidden_pair = (first.get_attribute("data-challenge"), first.get_attribute("data-solution"))
    first.locator("button:has-text('Hide')").click()
    page.wait_for_selector("text=Match hidden")

    def pairs_shown() -> set[tuple[str, str]]:
        return {(card.get_attribute("data-challenge"), card.get_attribute("data-solution"))
                for card in page.locator(".match").all()}

    assert hidden_pair not in pairs_shown()
    page.reload()
    assert hidden_pair not in pairs_shown()
    matches.rebuild(live_make.session)  # the nightly rebuild does not bring it back either
    page.goto(ui.url("/matches"))
    assert hidden_pair not in pairs_shown()
    assert page.locator(".match").count() > 0, f"other matches than {hidden_title!r} remain"
