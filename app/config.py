"""Settings read from the environment; a missing secret fails fast outside development and tests."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 (development and tests only; refused elsewhere)


class ConfigError(RuntimeError):
    """Raised when the environment cannot run the app safely."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str) -> int:
    value = os.environ.get(name, "").strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def default_database_url() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'civimatch.sqlite'}"


def default_base_url() -> str:
    """Where `make run` serves the app: http://HOST:PORT from the environment, else http://127.0.0.1:8000.

    Only a default: an explicit BASE_URL (environment or .env) always wins. A wildcard bind address
    (0.0.0.0, ::) is no address to link to, so links then name 127.0.0.1.
    """
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (compared, never bound)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    port = os.environ.get("PORT", "").strip() or "8000"
    return f"http://{host}:{port}"


def security_settings() -> dict:
    """Rate limits, session time-outs, token lifetimes and trusted hosts (docs/security.md)."""
    hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    return {
        "TRUSTED_HOSTS": hosts or None,  # None: the BASE_URL host + localhost (app.security.hosts)
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (app.security.proxies).
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "civimatch",
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10/minute;50/hour"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5/minute;30/hour"),
        "INVITE_RATE_LIMIT": os.environ.get("INVITE_RATE_LIMIT", "10/minute;50/day"),
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "5/minute;30/hour"),
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5/minute;20/hour"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120/minute"),
        "SESSION_IDLE_TIMEOUT_S": int(os.environ.get("SESSION_IDLE_TIMEOUT_S", 2 * 3600)),
        "SESSION_ABSOLUTE_TIMEOUT_S": int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT_S", 24 * 3600)),
        "PASSWORD_RESET_MAX_AGE_S": int(os.environ.get("PASSWORD_RESET_MAX_AGE_S", 3600)),
        "EMAIL_CONFIRM_MAX_AGE_S": int(os.environ.get("EMAIL_CONFIRM_MAX_AGE_S", 7 * 24 * 3600)),
    }


def from_environment() -> dict:
    """Build the config mapping from environment variables (see README, 'Configuration')."""
    env = os.environ.get("CIVIMATCH_ENV", "development")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env not in {"development", "test"}:
            raise ConfigError("SECRET_KEY is not set: refusing to start outside development (set SECRET_KEY).")
        secret = DEV_SECRET
    base_url = (os.environ.get("BASE_URL", "").strip() or default_base_url()).rstrip("/")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(),
        "BASE_URL": base_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 3600 * 8,
        "INVITATION_MAX_AGE_S": int(os.environ.get("INVITATION_MAX_AGE_S", 7 * 24 * 3600)),
        "REQUIRE_VERIFIED_BUYERS": _bool("REQUIRE_VERIFIED_BUYERS", False),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 25)),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "CiviMatch <no-reply@civimatch.example>"),
        "SMTP_TIMEOUT_S": float(os.environ.get("SMTP_TIMEOUT_S", 20)),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 6)),
        "OUTBOX_RETRY_BASE_S": int(os.environ.get("OUTBOX_RETRY_BASE_S", 60)),
        "OUTBOX_LEASE_S": int(os.environ.get("OUTBOX_LEASE_S", 300)),
        "UNSUBSCRIBE_MAILTO": os.environ.get("UNSUBSCRIBE_MAILTO", ""),
        "UNSUBSCRIBE_MAX_AGE_S": int(os.environ.get("UNSUBSCRIBE_MAX_AGE_S", 180 * 24 * 3600)),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", ""),
        "MATCH_REFRESH_MAX_ATTEMPTS": int(os.environ.get("MATCH_REFRESH_MAX_ATTEMPTS", 5)),
        "MATCH_REFRESH_RETRY_BASE_S": int(os.environ.get("MATCH_REFRESH_RETRY_BASE_S", 60)),
        "MATCH_REFRESH_LEASE_S": int(os.environ.get("MATCH_REFRESH_LEASE_S", 300)),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "OCDS_PREFIX": os.environ.get("OCDS_PREFIX", "ocds-civimx"),
        "DEBUG": _bool("FLASK_DEBUG", False),
        **security_settings(),
    }
