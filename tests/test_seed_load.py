"""`flask --app wsgi seed load`: the real demo set loads through the services, twice without duplicates.

Loading the whole set is the slow part, so it happens once for this module (`seeded`); the tests read
what that load recorded. Broken seed folders are cheap and get their own tests.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest
from sqlalchemy import func, select

from app.config import ROOT
from app.db import new_session
from app.models import Challenge, ChallengeParty, Organisation, Solution, User
from app.services.accounts import users as accounts
from app.services.seeding.demo_data import DEMO_PASSWORD
from tests.conftest import _empty_tables, make_test_app

DEMO_LOGINS = ("aino.virtanen@helsinki.example", "aditi.kulkarni@pune.example",
               "tiago.almeida@leaksense.example", "daan.jansen@depotwise.example",
               "sanne.de.vries@amsterdam.example", "pieter.van.acker@ghent.example")  # co-owner, observer


def _counts(app) -> dict[str, int]:
    with app.app_context():
        session = new_session(app)
        try:
            counts = {
                "buyers": session.scalar(select(func.count()).where(Organisation.side == "buyer")),
                "innovators": session.scalar(select(func.count()).where(Organisation.side == "innovator")),
                "users": session.scalar(select(func.count()).select_from(User)),
                "challenges": session.scalar(select(func.count()).select_from(Challenge)),
                "public challenges": session.scalar(select(func.count()).where(Challenge.status != "draft")),
                "challenge countries": session.scalar(select(func.count(func.distinct(Challenge.country)))),
                "solutions": session.scalar(select(func.count()).select_from(Solution)),
                "published solutions": session.scalar(select(func.count()).where(Solution.status == "published")),
                "joint challenges": session.scalar(select(func.count(func.distinct(ChallengeParty.challenge_id)))
                                                   .where(ChallengeParty.role == "co_owner",
                                                          ChallengeParty.status == "accepted")),
                "observers": session.scalar(select(func.count()).where(ChallengeParty.role == "observer",
                                                                        ChallengeParty.status == "accepted")),
                "members without e-mail": session.scalar(
                    select(func.count()).select_from(Organisation).where(~Organisation.members.any())),
            }
            counts["demo logins"] = sum(
                accounts.authenticate(session, email, DEMO_PASSWORD) is not None for email in DEMO_LOGINS)
        finally:
            session.close()
    return counts


@pytest.fixture(scope="module")
def seeded(database_url):
    """Run `seed load` twice on an empty database; record each run's output and the table counts."""
    app = make_test_app(database_url)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "load"])
    after_first = _counts(app)
    second = runner.invoke(args=["seed", "load"])
    after_second = _counts(app)
    yield {"first": first, "second": second, "after_first": after_first, "after_second": after_second}
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def test_seed_load_succeeds(seeded):
    assert seeded["first"].exit_code == 0, seeded["first"].output
    counts = seeded["after_first"]
    summary = seeded["first"].output.strip().splitlines()[-1]
    assert f"organisations: {counts['buyers'] + counts['innovators']} created, 0 already there" in summary
    assert f"challenges: {counts['challenges']} created" in summary
    assert f"solutions: {counts['solutions']} created" in summary


def test_seed_load_meets_the_minimums(seeded):
    counts = seeded["after_first"]

    assert counts["public challenges"] >= 40
    assert counts["buyers"] >= 12
    assert counts["challenge countries"] >= 5
    assert counts["published solutions"] >= 120
    assert counts["innovators"] >= 60
    assert counts["members without e-mail"] == 0
    assert counts["users"] >= counts["buyers"] + counts["innovators"]
    assert counts["joint challenges"] >= 3
    assert counts["observers"] >= 1


def test_second_seed_load_creates_nothing(seeded):
    assert seeded["second"].exit_code == 0, seeded["second"].output
    assert seeded["after_second"] == seeded["after_first"]
    summary = seeded["second"].output.strip().splitlines()[-1]
    for part in summary.split("; "):
        assert " 0 created" in part, part


def test_readme_demo_logins_work(seeded):
    assert seeded["after_first"]["demo logins"] == len(DEMO_LOGINS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for email in DEMO_LOGINS:
        assert email in readme


def test_home_page_example_searches_find_open_challenges_on_the_seed(seeded, database_url):
    """Every example the home page offers finds open challenges (the default status) on the demo data."""
    app = make_test_app(database_url)
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    examples = re.findall(r'href="/challenges\?q=([^"]+)"', home)
    assert len(examples) >= 3, home
    for example in examples:
        page = client.get(f"/challenges?q={example}").get_data(as_text=True)
        assert 'class="card"' in page, example
    app.extensions["db_engine"].dispose()


def _one_error_line(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def _copy_seed(tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(ROOT / "seed_data", folder)
    return folder


def test_missing_seed_file_exits_with_one_line(runner, tmp_path):
    folder = _copy_seed(tmp_path)
    (folder / "challenges.json").unlink()

    result = runner.invoke(args=["seed", "load", "--path", str(folder)])

    assert result.output.strip().splitlines() == [_one_error_line(result)]
    assert "seed file missing" in result.output and "challenges.json" in result.output


def test_invalid_json_seed_file_exits_with_one_line(runner, tmp_path, db):
    folder = _copy_seed(tmp_path)
    (folder / "organisations.json").write_text('[{"key": "broken",', encoding="utf-8")

    result = runner.invoke(args=["seed", "load", "--path", str(folder)])

    assert "not valid JSON" in _one_error_line(result)
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0


def test_seed_row_missing_a_field_exits_with_one_line(runner, tmp_path, db):
    folder = tmp_path / "seed"
    folder.mkdir()
    org = json.loads((ROOT / "seed_data" / "organisations.json").read_text(encoding="utf-8"))[0]
    (folder / "organisations.json").write_text(json.dumps([org]), encoding="utf-8")
    (folder / "challenges.json").write_text(json.dumps([{"buyer": org["key"], "title": "No other fields"}]),
                                            encoding="utf-8")
    (folder / "solutions.json").write_text("[]", encoding="utf-8")

    result = runner.invoke(args=["seed", "load", "--path", str(folder)])

    assert "seed data malformed" in _one_error_line(result)


def test_seed_value_refused_by_services_exits_with_one_line(runner, tmp_path, db):
    folder = tmp_path / "seed"
    folder.mkdir()
    org = json.loads((ROOT / "seed_data" / "organisations.json").read_text(encoding="utf-8"))[0]
    (folder / "organisations.json").write_text(json.dumps([{**org, "kind": "startup"}]), encoding="utf-8")
    for name in ("challenges", "solutions"):
        (folder / f"{name}.json").write_text("[]", encoding="utf-8")

    result = runner.invoke(args=["seed", "load", "--path", str(folder)])

    assert "seed data rejected" in _one_error_line(result)
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0

