"""Absolute links for e-mails, always built from the configured BASE_URL (never from a request's Host)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(base_url: str, endpoint: str, **values) -> str:
    """``BASE_URL`` + the route of ``endpoint``; works outside requests (CLI, Celery)."""
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def first_endpoint(*endpoints: str) -> str:
    """The first endpoint this app has (features land separately; fall back to one that always exists)."""
    return next((name for name in endpoints if name in current_app.view_functions), endpoints[-1])
