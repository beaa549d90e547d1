"""Start a matches refresh once a request has committed items whose matches are due.

The services only record due items (``due.mark_due``, in the transaction of the change) and flag the
session; after that transaction commits, this enqueues the Celery task when CELERY_BROKER_URL is set, or
otherwise runs a refresh when the response has been sent (``call_on_close``, in a session of its own), so
the user never waits for ranking. Outside a request (CLI, workers) nothing starts here: due items wait for
`flask matches refresh` or the Celery beat. A failure to start is logged; the items stay due for those.
"""
from __future__ import annotations

import logging
from functools import partial

from flask import Flask, Response, after_this_request, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import new_session
from app.services.recommendations import due, refresh

log = logging.getLogger(__name__)
TASK_NAME = "civimatch.matches.refresh"
AFTER_RESPONSE_LIMIT = 20  # items one response's refresh takes on; more wait for the next run


def register_refresh_jobs(app: Flask) -> None:
    sessions = app.extensions["db_sessionmaker"]
    event.listen(sessions, "after_commit", partial(_after_commit, app))
    event.listen(sessions, "after_rollback", _forget_request)


def _forget_request(session: Session) -> None:
    session.info.pop(due.REQUESTED, None)  # the rows were rolled back with the change


def _after_commit(app: Flask, session: Session) -> None:
    if not session.info.pop(due.REQUESTED, False):
        return
    if app.config.get("CELERY_BROKER_URL"):
        _enqueue(app)
    elif has_request_context() and not g.get("match_refresh_after_response"):
        g.match_refresh_after_response = True
        after_this_request(partial(_refresh_when_sent, app))


def _enqueue(app: Flask) -> None:
    from app.tasks import create_celery  # Celery is imported only where a broker is configured

    try:
        celery = app.extensions.get("celery") or create_celery(app)
        celery.send_task(TASK_NAME)
    except Exception:  # noqa: BLE001 - the commit already happened; the rows stay due for the beat/cron run
        log.exception("could not enqueue the matches refresh; due items wait for the next scheduled run")


def _refresh_when_sent(app: Flask, response: Response) -> Response:
    response.call_on_close(partial(run_refresh, app, AFTER_RESPONSE_LIMIT))
    return response


def run_refresh(app: Flask, limit: int) -> refresh.RefreshReport | None:
    """One refresh run in its own session; any failure is logged and leaves the rows due."""
    with app.app_context():
        session = new_session(app)
        try:
            return refresh.refresh_due(session, limit, policy=due.RefreshPolicy.from_config(app.config))
        except Exception:  # noqa: BLE001 - runs after the response: nobody to raise to; rows stay due
            log.exception("matches refresh after the response failed; due items wait for the next run")
            return None
        finally:
            session.close()
