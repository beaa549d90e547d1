"""Rate limits (Flask-Limiter): login, sign-up, password reset and the API; 429 with Retry-After."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.services.accounts.users import normalise_email

# Storage comes from RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set, process memory otherwise.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["API_RATE_LIMIT"]],
    # The default limit is the API's: every other route is exempt unless it names its own limit.
    default_limits_exempt_when=lambda: not request.path.startswith("/api/"),
)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def login_account_key() -> str:
    """The account being tried, whatever address the attempt comes from (botnets spread addresses)."""
    return "login-account:" + normalise_email(request.form.get("email", ""))[:254]


def failed_login(response) -> bool:
    # Only failures count: colleagues signing in from one office address do not use up each other's budget.
    return response.status_code != 302


def invite_limit() -> str:
    return current_app.config["INVITE_RATE_LIMIT"]


def inviter_key() -> str:
    """Per signed-in user (one office shares an address); the address when nobody is signed in."""
    return f"invite:{current_user.user_id}" if current_user.is_authenticated else get_remote_address()


def signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def password_reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def too_many_requests(error):
    """429: JSON on the API, a friendly page elsewhere; Flask-Limiter adds Retry-After."""
    message = "Too many requests. Please wait a little and try again."
    if request.path.startswith("/api/"):
        return jsonify(status=429, code="rate_limited", message=message), 429
    return render_template("errors/error.html", code=429, title="Slow down", message=message), 429


def register(app: Flask) -> None:
    limiter.init_app(app)
    app.register_error_handler(429, too_many_requests)
