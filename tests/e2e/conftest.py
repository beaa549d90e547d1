"""Browser-test fixtures: the app served on a free local port, and Debian Chromium driven by Playwright.

Reuse them in any ``tests/e2e/test_*.py``:

- ``live_server`` -> the base URL (``http://127.0.0.1:<port>``) of the app, served by werkzeug in a
  thread against this run's migrated test database (SQLite or PostgreSQL, see tests/conftest.py), with
  CSRF on as in production; every table is emptied after the test.
- ``live_app`` -> that Flask app (``live_app.config["BASE_URL"]`` is the live URL, so e-mailed links work).
- ``live_make`` -> the factories of tests/factories.py bound to the live database, to arrange data fast
  (``live_make.buyer(email=...)``, ``live_make.challenge(user)``) when the UI path is not what you test.
- ``browser`` -> one headless Debian Chromium per test session (never a downloaded browser build).
- ``page`` -> a page in a fresh browser context (own cookies); ``new_page()`` opens another context,
  e.g. an anonymous visitor beside a signed-in buyer.
- ``ui`` -> UI helpers: ``ui.sign_up(page, side="buyer", email=...)``, ``ui.log_in(page, email)``,
  ``ui.log_out(page)``, ``ui.screenshot(page, "name")`` (saved as test-artifacts/name.png).

A failing test leaves ``test-artifacts/FAILED-<test name>.png`` of each page it opened.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.config import ROOT
from app.db import new_session
from tests import factories
from tests.conftest import _empty_tables, make_test_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 10_000
_emails = itertools.count(1)


@pytest.fixture
def live_app(database_url):
    """The app the live server runs: the run's test database, CSRF on (real forms post real tokens)."""
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    """Serve ``live_app`` on a free 127.0.0.1 port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = base_url
    live_app.extensions["service_settings"] = replace(live_app.extensions["service_settings"], base_url=base_url)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def live_make(live_app):
    """Test-data factories writing to the live server's database."""
    with live_app.app_context():
        session = new_session(live_app)
        yield factories.Factory(session, live_app.extensions["service_settings"])
        session.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, shared by the tests of one worker."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium package).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item, so fixtures can react to a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request) -> Iterator[Callable]:
    """``new_page()`` opens a page in a fresh browser context (its own cookies, like another person)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for index, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                _save(page, f"FAILED-{request.node.name}-{index}")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context."""
    return new_page()


def _save(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Account:
    email: str
    password: str
    name: str
    organisation_name: str


class UI:
    """Steps a person takes in the browser, shared by journey tests."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def sign_up(self, page, *, side: str = "buyer", kind: str | None = None, country: str = "FI",
                email: str | None = None, organisation_name: str | None = None,
                name: str | None = None, password: str = factories.PASSWORD, city: str = "Helsinki") -> Account:
        """Create an organisation and its first member through /signup, then log in; ends on the dashboard."""
        n = next(_emails)
        account = Account(email=email or f"e2e{n}@{side}.example", password=password,
                          name=name or f"E2E Person {n}", organisation_name=organisation_name or f"E2E Org {n}")
        page.goto(self.url("/signup"))
        page.check(f"input[name=side][value={side}]")
        page.fill("#organisation_name", account.organisation_name)
        page.select_option("#kind", kind or ("city" if side == "buyer" else "startup"))
        page.select_option("#country", country)
        page.fill("#city", city)
        page.fill("#name", account.name)
        page.fill("#email", account.email)
        page.fill("#password", account.password)
        page.click("button:has-text('Create account')")
        page.wait_for_url(self.url("/signup/sent"))  # the same answer for a taken address: log in next
        self.log_in(page, account.email, account.password)
        return account

    def log_in(self, page, email: str, password: str = factories.PASSWORD) -> None:
        page.goto(self.url("/login"))
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("main button:has-text('Log in')")
        page.wait_for_url(self.url("/dashboard"))

    def log_out(self, page) -> None:
        page.click("header button:has-text('Log out')")
        page.wait_for_url(self.url("/"))

    def screenshot(self, page, name: str) -> Path:
        """Save a full-page screenshot as test-artifacts/<name>.png and return its path."""
        return _save(page, name)


@pytest.fixture
def ui(live_server) -> UI:
    return UI(live_server)
