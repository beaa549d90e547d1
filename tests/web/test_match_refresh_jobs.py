"""Publishing on the web: matches are ranked after the response (or by Celery), and pages say while they wait."""
from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from app.models import Match, MatchRefresh
from app.services.recommendations import rebuild as matches
from app.services.recommendations import refresh
from app.tasks import BEAT_SCHEDULE, create_celery

PENDING = "Matches for this item are being computed"
REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/0")


def _draft_after_rebuild(make, db):
    buyer = make.buyer(email="b@city.example")
    innovator = make.innovator(email="i@firm.example")
    make.challenge(buyer, title="Leak detection in water pipes", sector="water", problem_statement="Find leaks.")
    solution = make.solution(innovator, title="Acoustic leak detection for pipes", sectors=["water"],
                             tags=["leak detection"], description="Finds water leaks in pipes acoustically.")
    matches.rebuild(db)
    draft = make.challenge(buyer, publish=False, title="Acoustic leak sensors for old pipes", sector="water",
                           tags=["leak detection"], problem_statement="Find water leaks in our old pipes.")
    return draft, solution


def _stored(db, challenge_id: int) -> list[int]:
    db.expire_all()
    return list(db.scalars(select(Match.solution_id).where(Match.challenge_id == challenge_id)))


def test_matches_are_ranked_after_the_response_and_pages_say_so_meanwhile(client, auth, make, db):
    draft, solution = _draft_after_rebuild(make, db)
    auth.login("b@city.example")
    published = client.post(f"/challenges/{draft.id}/status", data={"status": "open"})
    assert published.status_code == 302
    # The response is not closed yet, so the refresh has not run: the item waits and its pages say so.
    assert _stored(db, draft.id) == []
    assert PENDING in client.get(f"/challenges/{draft.id}/matches").get_data(as_text=True)
    assert PENDING in client.get(f"/challenges/{draft.id}").get_data(as_text=True)
    published.close()  # the server has sent the response: the refresh runs now, in its own session
    assert _stored(db, draft.id) == [solution.id]
    html = client.get(f"/challenges/{draft.id}/matches").get_data(as_text=True)
    assert PENDING not in html and "Acoustic leak detection for pipes" in html


def test_only_the_owner_is_told_about_a_pending_refresh(client, auth, make, db):
    draft, _ = _draft_after_rebuild(make, db)
    auth.login("b@city.example")
    client.post(f"/challenges/{draft.id}/status", data={"status": "open"})  # not closed: still due
    auth.logout()
    auth.login("i@firm.example")
    assert PENDING not in client.get(f"/challenges/{draft.id}").get_data(as_text=True)


def test_a_failing_refresh_after_the_response_is_logged_and_stays_due(client, auth, make, db, monkeypatch,
                                                                      caplog):
    draft, _ = _draft_after_rebuild(make, db)
    monkeypatch.setattr(refresh, "rank_solutions_for_challenge", lambda *a, **k: 1 / 0)
    auth.login("b@city.example")
    response = client.post(f"/challenges/{draft.id}/status", data={"status": "open"}, follow_redirects=True)
    assert response.status_code == 200 and "Challenge published." in response.get_data(as_text=True)
    assert "ZeroDivisionError" in caplog.text
    db.expire_all()
    [row] = db.scalars(select(MatchRefresh)).all()
    assert row.item_id == draft.id and row.attempts == 1 and "ZeroDivisionError" in row.last_error


@pytest.fixture
def celery_app(app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.fail(f"Redis does not answer at {REDIS_URL}: the Celery path needs a real broker")
    app.config["CELERY_BROKER_URL"] = REDIS_URL
    celery = create_celery(app)
    celery.conf.task_default_queue = f"civimatch-test-{uuid.uuid4().hex}"  # other runs never take our tasks
    with start_worker(celery, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield celery


def test_with_a_broker_publishing_enqueues_the_refresh_for_a_celery_worker(client, auth, make, db, celery_app):
    draft, solution = _draft_after_rebuild(make, db)
    auth.login("b@city.example")
    # The response stays open: nothing can run after it, so only the worker can store the matches.
    response = client.post(f"/challenges/{draft.id}/status", data={"status": "open"})
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while not _stored(db, draft.id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stored(db, draft.id) == [solution.id]
    assert db.scalars(select(MatchRefresh)).all() == []
    assert BEAT_SCHEDULE["matches-refresh-every-minute"]["task"] == "civimatch.matches.refresh"
