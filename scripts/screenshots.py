"""`make screenshots`: the main pages of each role at desktop and phone width, into docs/screenshots/.

Seeds a throw-away SQLite database with the demo data, serves the app on a free loopback port and
drives Debian Chromium (/usr/bin/chromium) through Playwright; nothing touches your own database.
Screenshots are of the first screen (not the full page) to keep the PNGs small enough to commit.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ADMIN, ADMIN_PASSWORD = "screenshots-admin@civimatch.example", "tangerine orbit quietly 42"
BUYER, INNOVATOR = "aino.virtanen@helsinki.example", "tiago.almeida@leaksense.example"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES = {  # role -> [(file name, path)]; {challenge} is a Helsinki challenge
    "visitor": [("home", "/"), ("challenges", "/challenges"), ("challenge", "/challenges/{challenge}"),
                ("statistics", "/statistics"), ("pilots", "/pilots")],
    "buyer": [("dashboard", "/dashboard"), ("challenge", "/challenges/{challenge}")],
    "innovator": [("dashboard", "/dashboard"), ("matches", "/matches")],
    "admin": [("admin", "/admin")],
}


def seed(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "CIVIMATCH_ENV": "development",
           "CIVIMATCH_ADMIN_PASSWORD": ADMIN_PASSWORD}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["seed", "load"], ["matches", "rebuild"],
                 ["users", "create-admin", "--email", ADMIN]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed argv)


def main() -> None:
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from app import create_app
    from app.db import new_session
    from app.models import Challenge, Organisation
    from app.services.seeding.demo_data import DEMO_PASSWORD

    with tempfile.TemporaryDirectory(prefix="civimatch-shots-") as folder:
        database_url = f"sqlite:///{folder}/shots.db"
        print("seeding a temporary database ...")
        seed(database_url)
        os.environ["CIVIMATCH_ENV"] = "development"
        app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, "TRUSTED_HOSTS": None})
        with app.app_context():
            session = new_session(app)
            owner = Organisation.id == Challenge.organisation_id
            challenge = session.scalar(select(Challenge.id).join(Organisation, owner)
                                       .where(Organisation.name == "City of Helsinki", Challenge.status == "open")
                                       .order_by(Challenge.id))
            session.close()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per screenshot, not per request
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        OUT.mkdir(parents=True, exist_ok=True)
        logins = {"buyer": (BUYER, DEMO_PASSWORD), "innovator": (INNOVATOR, DEMO_PASSWORD),
                  "admin": (ADMIN, ADMIN_PASSWORD)}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
                for role, pages in PAGES.items():
                    for width_name, (width, height) in WIDTHS.items():
                        context = browser.new_context(viewport={"width": width, "height": height})
                        page = context.new_page()
                        if role in logins:
                            email, password = logins[role]
                            page.goto(base + "/login")
                            page.fill("#email", email)
                            page.fill("#password", password)
                            page.click("main button:has-text('Log in')")
                            page.wait_for_url(base + "/dashboard")
                        for name, path in pages:
                            page.goto(base + path.format(challenge=challenge))
                            page.wait_for_load_state("networkidle")
                            target = OUT / f"{role}-{name}-{width_name}.png"
                            page.screenshot(path=str(target))
                            print(target.relative_to(ROOT))
                        context.close()
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
