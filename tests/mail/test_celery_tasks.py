"""The Celery path against the real Redis: fan-out digest tasks, delivery tasks, into the test SMTP server."""
from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from app.tasks import BEAT_SCHEDULE, create_celery
from tests.mail.test_digest_e2e import _seed_with_matches

REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/0")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_app(app):
    if not _redis_answers():
        # Redis runs on every machine this suite runs on (README, .ci/run): a missing broker is a failure, not a skip.
        pytest.fail(f"Redis does not answer at {REDIS_URL}: the Celery path needs a real broker")
    app.config["CELERY_BROKER_URL"] = REDIS_URL
    celery = create_celery(app)
    # A queue of our own: other test runs sharing this Redis never take (or lose) our tasks.
    celery.conf.task_default_queue = f"civimatch-test-{uuid.uuid4().hex}"
    with start_worker(celery, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield celery


def _wait_for(predicate, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_digest_run_fans_out_and_delivers_through_celery(app, db, celery_app, smtp_server):
    # Seeding marks its items' matches due; with the broker set each commit would enqueue a refresh that
    # replaces the hand-made matches below while the digest is built. Those refreshes are not this test's subject.
    broker, app.config["CELERY_BROKER_URL"] = app.config["CELERY_BROKER_URL"], ""
    _seed_with_matches(app, db)
    app.config["CELERY_BROKER_URL"] = broker
    batches = celery_app.tasks["civimatch.digests.run"].delay(ignore_schedule=True).get(timeout=60)
    assert batches == 1
    assert _wait_for(lambda: len(smtp_server.messages) == 2)
    assert sorted(smtp_server.by_recipient()) == ["anna@espoo.example", "mikko@voltdepot.example"]
    # A second run in the same period queues nothing, and delivery sends nothing twice.
    celery_app.tasks["civimatch.digests.run"].delay(ignore_schedule=True).get(timeout=60)
    report = celery_app.tasks["civimatch.outbox.deliver"].delay().get(timeout=60)
    assert report["sent"] == 0 and len(smtp_server.messages) == 2


def test_beat_schedule_runs_digests_hourly_and_delivery_every_minute(app):
    assert BEAT_SCHEDULE["digests-hourly"]["task"] == "civimatch.digests.run"
    assert BEAT_SCHEDULE["outbox-every-minute"]["schedule"] == 60.0
    app.config["CELERY_BROKER_URL"] = ""
    with pytest.raises(Exception, match="CELERY_BROKER_URL is not set"):
        create_celery(app)
