"""Absolute links for e-mails, always built from the configured BASE_URL (never from a request's Host)."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import Map, MapAdapter


def absolute_url(base_url: str, endpoint: str, **values) -> str:
    """``BASE_URL`` + the route of ``endpoint``; works outside requests (CLI, Celery)."""
    return _adapter(current_app.url_map, base_url).build(endpoint, values, force_external=True)


@lru_cache(maxsize=16)
def _adapter(url_map: Map, base_url: str) -> MapAdapter:
    """One bound adapter per app and BASE_URL (binding costs more than building a link; digests build many)."""
    parts = urlsplit(base_url)
    return url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")


def first_endpoint(*endpoints: str) -> str:
    """The first endpoint this app has (features land separately; fall back to one that always exists)."""
    return next((name for name in endpoints if name in current_app.view_functions), endpoints[-1])
