"""`flask db backup PATH` / `db restore PATH`: a restored copy serves the same pages and the same matches."""
from __future__ import annotations

import contextvars
import json
import os
import re

from sqlalchemy import select

from app.db import new_session
from app.models import Match
from app.services.operations import backups
from tests.conftest import _empty_tables, make_test_app
from tests.factories import PASSWORD, Factory
from tests.pilot_scenario import evaluated_pilot

CSRF = re.compile(rb'name="csrf_token" (?:type="hidden" )?value="[^"]+"')


def _matches(app) -> list[tuple]:
    with app.app_context():
        session = new_session(app)
        rows = session.execute(select(Match.challenge_id, Match.solution_id, Match.score, Match.reasons)
                               .order_by(Match.challenge_id, Match.solution_id)).all()
        session.close()
    return [tuple(row) for row in rows]


def _pages(app, ids: dict, email: str) -> dict[str, bytes]:
    anonymous = app.test_client()
    paths = ["/", "/challenges", "/solutions", f"/challenges/{ids['challenge']}", f"/solutions/{ids['solution']}",
             "/pilots", f"/pilots/{ids['pilot']}", "/open-data/pilots.csv", "/open-data/applications.csv",
             "/statistics"]
    pages = {path: anonymous.get(path) for path in paths}
    ocds = anonymous.get("/open-data/ocds.json").get_json()
    ocds.pop("publishedDate", None)
    signed_in = app.test_client()
    assert signed_in.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    pages.update({f"signed in {path}": signed_in.get(path) for path in ("/matches", "/dashboard")})
    assert all(response.status_code == 200 for response in pages.values()), {p: r.status_code for p, r in pages.items()}
    result = {path: CSRF.sub(b"", response.data) for path, response in pages.items()}
    result["ocds"] = json.dumps(ocds, sort_keys=True).encode()
    return result


def test_a_backup_restored_into_an_empty_database_serves_the_same_pages_and_matches(
        app, db, make, runner, tmp_path, empty_database_url):
    buyer, innovator, challenge, solution, _application, pilot = evaluated_pilot(db, make)
    factory = Factory(db, app.extensions["service_settings"])
    for title in ("Leak detection in water mains", "Smart street lighting"):
        factory.challenge(buyer, title=title)
        factory.solution(innovator, title=f"{title}: a sensor kit")
    assert runner.invoke(args=["matches", "rebuild"]).exit_code == 0
    ids = {"challenge": challenge.id, "solution": solution.id, "pilot": pilot.id}
    before_pages, before_matches = _pages(app, ids, buyer.email), _matches(app)
    assert len(before_matches) >= 6

    path = tmp_path / "backups" / "civimatch.backup"
    made = runner.invoke(args=["db", "backup", str(path)])
    assert made.exit_code == 0, made.output
    assert made.output.startswith(f"Backup written to {path}") and path.stat().st_size > 0

    restored_app = make_test_app(empty_database_url)
    try:
        # A context of its own: `with_appcontext` would otherwise reuse the first app's, pushed by `db`.
        done = contextvars.Context().run(restored_app.test_cli_runner().invoke,
                                         args=["db", "restore", str(path), "--yes"])
        assert done.exit_code == 0, done.output
        assert _matches(restored_app) == before_matches
        assert _pages(restored_app, ids, buyer.email) == before_pages
    finally:
        _empty_tables(restored_app.extensions["db_engine"])
        restored_app.extensions["db_engine"].dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = runner.invoke(args=["db", "restore", str(junk), "--yes"])
    assert result.exit_code == 1
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "SQLite"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {junk} is not a") and f"{engine} backup" in lines[0]


def test_restore_asks_first(runner, tmp_path):
    result = runner.invoke(args=["db", "restore", str(tmp_path / "x.backup")], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output


def test_missing_postgresql_client_tools_give_one_clear_line(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    app = make_test_app(database_url, DATABASE_URL="postgresql+psycopg://civimatch@127.0.0.1:5432/civimatch")
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["db", "backup", str(tmp_path / "db.backup")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: pg_dump was not found: install the PostgreSQL client tools of the server's major version "
        "(e.g. apt install postgresql-client-15) and try again."]
    app.extensions["db_engine"].dispose()
