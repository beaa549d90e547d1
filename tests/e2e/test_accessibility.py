"""axe-core (vendored, tests/e2e/vendor/axe-core) on the main pages of every role, at desktop and phone width.

Fails on any serious or critical violation; every violation found is listed at once, page by page.
One seed, one browser context per role, both widths on the same page object to keep the run short.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.config import ROOT
from app.models import Challenge, Organisation
from app.services.accounts import users as accounts
from app.services.recommendations import rebuild as matches
from app.services.seeding import demo_data as seeding

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BUYER, INNOVATOR = "aino.virtanen@helsinki.example", "tiago.almeida@leaksense.example"
ADMIN, ADMIN_PASSWORD = "a11y-admin@civimatch.example", "tangerine orbit quietly 42"
WIDTHS = (1280, 390)
SERIOUS = ("serious", "critical")


def _violations(page, path: str) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        page.evaluate(AXE)  # through DevTools, so the CSP (script-src self) stays on as in production
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core" and len(result["passes"]) > 10
        for violation in result["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
                found.append(f"{path} @{width}px {violation['impact']} {violation['id']}: {targets}")
    return found


def _seed(session, settings) -> int:
    seeding.load(session, seeding.read_seed_files(ROOT / "seed_data"), settings=settings)
    matches.rebuild(session)
    accounts.create_admin(session, ADMIN, "Accessibility Admin", ADMIN_PASSWORD)
    return session.scalar(select(Challenge.id).join(Organisation, Organisation.id == Challenge.organisation_id)
                          .where(Organisation.name == "City of Helsinki", Challenge.status == "open")
                          .order_by(Challenge.id))


def test_no_serious_or_critical_axe_violations_in_any_role(live_server, live_make, ui, new_page):
    challenge_id = _seed(live_make.session, live_make.settings)
    public = ["/", "/challenges", f"/challenges/{challenge_id}", "/solutions", "/pipeline", "/statistics",
              "/pilots", "/api", "/login", "/signup"]
    signed_in = ["/dashboard", "/matches", f"/challenges/{challenge_id}"]
    found: list[str] = []
    visitor = new_page()
    for path in public:
        found += _violations(visitor, ui.url(path))
    for email, password, paths in ((INNOVATOR, seeding.DEMO_PASSWORD, [*signed_in, "/solutions/new"]),
                                   (BUYER, seeding.DEMO_PASSWORD, [*signed_in, "/challenges/new", "/applications"]),
                                   (ADMIN, ADMIN_PASSWORD, ["/admin"])):
        page = new_page()
        ui.log_in(page, email, password)
        for path in paths:
            found += _violations(page, ui.url(path))
    assert found == [], "\n".join(found)


def test_the_check_catches_a_serious_violation(live_server, ui, page):
    """The assertion above can fail: an unlabelled field and an image without text are serious."""
    page.goto(ui.url("/login"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<input id=bare type=text><img src=/static/icons/favicon.svg>')")
    assert any("label" in line for line in _violations_here(page)), "axe missed an unlabelled input"


def _violations_here(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}" for v in result["violations"] if v["impact"] in SERIOUS]
