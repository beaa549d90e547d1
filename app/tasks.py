"""Celery tasks wrapping the digest, delivery and matches-refresh services; a Celery app exists only when
CELERY_BROKER_URL is set.

Start a worker with the beat schedule:  celery -A app.celery_worker worker --beat --loglevel=info
Without CELERY_BROKER_URL nothing here is created and cron runs the CLI commands instead (see README).
"""
from __future__ import annotations

from dataclasses import asdict

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

from app.config import ConfigError
from app.db import new_session
from app.mail import delivery
from app.mail.smtp import SmtpSender, SmtpSettings
from app.services.digests import runs as digests
from app.services.recommendations import due, refresh

DIGEST_TASK_BATCH = 500  # users per fan-out task
REFRESH_TASK_LIMIT = 200  # due items per refresh task; a full batch enqueues the next one

BEAT_SCHEDULE = {
    # Hourly: each user is due at their own local hour; the (user, period) key makes extra runs harmless.
    "digests-hourly": {"task": "civimatch.digests.run", "schedule": crontab(minute=5)},
    "outbox-every-minute": {"task": "civimatch.outbox.deliver", "schedule": 60.0},
    # Publishing enqueues a refresh at once; this picks up retries after a back-off and anything missed.
    "matches-refresh-every-minute": {"task": "civimatch.matches.refresh", "schedule": 60.0},
}


def create_celery(flask_app: Flask) -> Celery:
    """The Celery app bound to ``flask_app`` (each task runs inside its app context)."""
    broker = flask_app.config.get("CELERY_BROKER_URL")
    if not broker:
        raise ConfigError("CELERY_BROKER_URL is not set; run `flask digests send` and `flask outbox deliver` instead.")

    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery("civimatch", broker=broker, backend=flask_app.config.get("REDIS_URL") or broker,
                    task_cls=AppContextTask)
    celery.conf.update(beat_schedule=BEAT_SCHEDULE, timezone="UTC", task_acks_late=True,
                       worker_prefetch_multiplier=1, task_serializer="json", result_expires=3600)
    _register_tasks(celery, flask_app)
    flask_app.extensions["celery"] = celery
    return celery


def _register_tasks(celery: Celery, flask_app: Flask) -> None:
    @celery.task(name="civimatch.digests.run")
    def run_digests(frequency: str | None = None, ignore_schedule: bool = False) -> int:
        """Fan out: one send_batch task per DIGEST_TASK_BATCH opted-in users; returns the number of tasks."""
        session = new_session(flask_app)
        try:
            ids = [r.user_id for r in digests.opted_in_recipients(session, frequency)]
        finally:
            session.close()
        for start in range(0, len(ids), DIGEST_TASK_BATCH):
            send_batch.delay(ids[start:start + DIGEST_TASK_BATCH], frequency, ignore_schedule)
        return -(-len(ids) // DIGEST_TASK_BATCH)

    @celery.task(name="civimatch.digests.send_batch")
    def send_batch(user_ids: list[int], frequency: str | None, ignore_schedule: bool) -> dict:
        """Queue the digests of these users, then start a delivery (concurrent deliveries are safe)."""
        session = new_session(flask_app)
        try:
            options = digests.RunOptions(frequency=frequency, ignore_schedule=ignore_schedule)
            report = digests.run_digests(session, flask_app.extensions["service_settings"], options,
                                         user_ids=user_ids)
        finally:
            session.close()
        if report.queued:
            deliver_outbox.delay()
        return asdict(report)

    @celery.task(name="civimatch.outbox.deliver")
    def deliver_outbox() -> dict:
        session = new_session(flask_app)
        try:
            with SmtpSender(SmtpSettings.from_config(flask_app.config)) as sender:
                report = delivery.deliver_due(session, sender, delivery.DeliveryPolicy.from_config(flask_app.config))
        finally:
            session.close()
        return asdict(report)

    @celery.task(name="civimatch.matches.refresh")
    def refresh_matches(limit: int = REFRESH_TASK_LIMIT) -> dict:
        """Rank the due items (each failure is recorded on its row and retried after a back-off)."""
        session = new_session(flask_app)
        try:
            report = refresh.refresh_due(session, limit, policy=due.RefreshPolicy.from_config(flask_app.config))
        finally:
            session.close()
        if report.tried >= limit:
            refresh_matches.delay(limit)  # more were waiting
        return asdict(report)
