"""Trusted hosts: requests for any other Host header are refused with 400 (Flask's TRUSTED_HOSTS)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import SecurityError

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def default_trusted_hosts(base_url: str) -> list[str]:
    """The BASE_URL host plus loopback names: links are built from BASE_URL, never from Host."""
    host = urlsplit(base_url).hostname or ""
    return list(dict.fromkeys([h for h in (host, *LOCAL_HOSTS) if h]))


def untrusted_host(_error: SecurityError):
    # Plain text: the HTML error page builds URLs, which needs a trusted host.
    return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def register(app: Flask) -> None:
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = default_trusted_hosts(app.config["BASE_URL"])
    app.register_error_handler(SecurityError, untrusted_host)
