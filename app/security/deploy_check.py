"""Deployment checks (like Django's `check --deploy`): what makes a production start unsafe."""
from __future__ import annotations

import re
from collections.abc import Mapping

from app.config import DEV_SECRET

MIN_SECRET_LENGTH = 32


def worker_count(env: Mapping[str, str]) -> int:
    """Gunicorn workers as configured through the environment (WEB_CONCURRENCY, GUNICORN_*), default 1."""
    candidates = [env.get("WEB_CONCURRENCY", ""), env.get("GUNICORN_WORKERS", "")]
    match = re.search(r"(?:--workers[= ]|-w ?)(\d+)", env.get("GUNICORN_CMD_ARGS", ""))
    if match:
        candidates.append(match.group(1))
    numbers = [int(value) for value in candidates if value.strip().isdigit()]
    return max(numbers, default=1)


def deployment_problems(config: Mapping, env: Mapping[str, str], *, debug: bool = False) -> list[str]:
    """One sentence per setting that is unsafe in production; an empty list means ready."""
    problems = []
    if debug or config.get("DEBUG") or env.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
        problems.append("DEBUG is on: the debugger would let visitors run code. Unset FLASK_DEBUG.")
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret == DEV_SECRET or len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"SECRET_KEY is missing, the development value or shorter than {MIN_SECRET_LENGTH} "
                        "characters: set a long random one (python -c 'import secrets; print(secrets.token_hex(32))').")
    if not str(config.get("BASE_URL", "")).startswith("https://") or not config.get("SESSION_COOKIE_SECURE"):
        problems.append("BASE_URL is not https://: session cookies would travel without the Secure flag.")
    if config.get("TESTING"):
        problems.append("TESTING is on: errors would propagate instead of showing error pages.")
    if config.get("WTF_CSRF_ENABLED") is False:
        problems.append("WTF_CSRF_ENABLED is off: forms would accept cross-site posts.")
    problems.extend(_rate_limit_problems(config, env))
    return problems


def _rate_limit_problems(config: Mapping, env: Mapping[str, str]) -> list[str]:
    if not config.get("RATELIMIT_ENABLED", True):
        return ["RATELIMIT_ENABLED is off: log-in and password reset could be brute-forced."]
    workers = worker_count(env)
    if str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://") and workers > 1:
        return [f"Rate limits are kept in memory with {workers} workers: each worker counts alone. "
                "Set REDIS_URL."]
    return []


def deployment_warnings(config: Mapping) -> list[str]:
    """Settings that are often wrong but can be right (they do not stop a start)."""
    warnings = []
    if str(config.get("BASE_URL", "")).startswith("https://") and not int(config.get("TRUSTED_PROXIES") or 0):
        warnings.append("BASE_URL is https:// but TRUSTED_PROXIES is 0: behind a TLS proxy every visitor shares "
                        "the proxy's address, so one visitor's failed log-ins lock everyone out. Set TRUSTED_PROXIES "
                        "to the number of proxies in front of gunicorn (unless gunicorn itself serves TLS).")
    return warnings
