"""Session time-outs: a login ends after a spell of inactivity and after an absolute lifetime."""
from __future__ import annotations

import time

from flask import Flask, current_app, flash, session
from flask_login import logout_user, user_logged_in

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
SEEN_RESOLUTION_S = 30  # refresh the last-seen stamp at most this often (fewer cookie rewrites)


def _stamp_login(_app, user=None, **_extra) -> None:
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def expired(login_at: int | None, seen_at: int | None, now: int, idle_s: int, absolute_s: int) -> bool:
    """Whether a login stamped at ``login_at`` and last seen at ``seen_at`` has timed out."""
    if login_at is None or seen_at is None:
        return True
    return now - seen_at > idle_s or now - login_at > absolute_s


def enforce_timeouts() -> None:
    """Before each request: end a timed-out login; otherwise note that the user was seen."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    config = current_app.config
    if expired(session.get(LOGIN_AT), session.get(SEEN_AT), now, config["SESSION_IDLE_TIMEOUT_S"],
               config["SESSION_ABSOLUTE_TIMEOUT_S"]):
        logout_user()
        session.clear()
        flash("Your session has ended. Please log in again.", "info")
        return
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_S:
        session[SEEN_AT] = now


def register(app: Flask) -> None:
    user_logged_in.connect(_stamp_login, app)
    app.before_request(enforce_timeouts)
