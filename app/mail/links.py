"""Absolute links for e-mails, always built from the configured BASE_URL (never from a request's Host).

``EmailLinks`` holds the app's URL map (captured once by the factory, in ``ServiceSettings``) and the base URL,
so a link is built the same way from a request, the CLI, a Celery task or a plain script: no app context.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from werkzeug.routing import Map, MapAdapter

RouteMap = Map  # re-exported so services can name the type without importing werkzeug


@dataclass(frozen=True)
class EmailLinks:
    routes: Map  # the app's url_map: endpoints and their rules
    base_url: str

    def url(self, endpoint: str, **values) -> str:
        """``base_url`` + the route of ``endpoint`` with ``values`` filled in."""
        return _adapter(self.routes, self.base_url).build(endpoint, values, force_external=True)

    def first_endpoint(self, *endpoints: str) -> str:
        """The first endpoint this app has (features land separately; fall back to one that always exists)."""
        return next((name for name in endpoints if _has_endpoint(self.routes, name)), endpoints[-1])


def _has_endpoint(routes: Map, endpoint: str) -> bool:
    try:
        return any(True for _ in routes.iter_rules(endpoint))
    except KeyError:
        return False


@lru_cache(maxsize=16)
def _adapter(url_map: Map, base_url: str) -> MapAdapter:
    """One bound adapter per app and BASE_URL (binding costs more than building a link; digests build many)."""
    parts = urlsplit(base_url)
    return url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
