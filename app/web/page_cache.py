"""Whole-page cache for what every anonymous visitor sees the same: home, public lists and item pages.

A hit skips the view and the template; the key holds the public content version
(app.models.content_version), which every commit that changes a public item moves on, so a hidden,
closed or edited item leaves the cached pages at once. Entries live in Redis when REDIS_URL is set
(shared by every worker), in a bounded in-process store otherwise. Each response carries an ETag and
Last-Modified, so a browser's revisit gets a 304 without a body. Signed-in requests, requests with
flashed messages waiting, anything but GET/HEAD and any answer but 200 pass straight through.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from app.db import get_session
from app.services.marketplace import public_version

log = logging.getLogger(__name__)
CACHED_ENDPOINTS = frozenset({"main.index", "challenges.index", "challenges.detail", "solutions.index",
                              "solutions.detail"})
TTL_S = 600  # old versions' entries are never read again; this only bounds how long they take space
LOCAL_ENTRIES = 512
KEY_PREFIX = "civimatch:page:"


class LocalStore:
    """A small LRU of rendered pages, per process."""

    def __init__(self, size: int = LOCAL_ENTRIES) -> None:
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class RedisStore:
    """Pages in Redis, shared by every worker; a Redis failure is a miss, never an error page."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(KEY_PREFIX + key)
        except Exception:  # noqa: BLE001 (the page renders without its cache)
            log.warning("page cache: Redis read failed", exc_info=True)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(KEY_PREFIX + key, value, ex=TTL_S)
        except Exception:  # noqa: BLE001
            log.warning("page cache: Redis write failed", exc_info=True)


def _cacheable() -> bool:
    return (request.method in ("GET", "HEAD") and request.endpoint in CACHED_ENDPOINTS
            and not current_user.is_authenticated and "_flashes" not in session)


def _key(version: int, changed_at) -> str:
    """The database, its content version (with the time it moved: two databases never share a key) and the URL."""
    query = "&".join(sorted(f"{k}={v}" for k, v in request.args.items(multi=True)))
    database = current_app.config["DATABASE_URL"]
    return hashlib.sha256(f"{database}|{version}|{changed_at.isoformat()}|{request.path}|{query}".encode()).hexdigest()


def _serve_cached() -> Response | None:
    if not _cacheable():
        return None
    found = public_version.current(get_session())
    if found is None:  # no counter row: changes could not be tracked, so nothing is cached
        return None
    version, changed_at = found
    key = _key(version, changed_at)
    stored = _store().get(key)
    if stored is None:
        g.page_cache_key, g.page_cache_changed_at = key, changed_at
        return None
    header, _, body = stored.partition(b"\n")
    meta = json.loads(header)
    response = Response(body, status=200, content_type=meta["content_type"])
    return _conditional(response, meta["etag"], changed_at, "hit")


def _conditional(response: Response, etag: str, changed_at, outcome: str) -> Response:
    response.set_etag(etag)
    if changed_at is not None:
        response.last_modified = changed_at
    # Browsers must ask again each time (a hidden item must not linger in their cache); the ETag makes it cheap.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Page-Cache"] = outcome
    return response.make_conditional(request)


def _store_rendered(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough or current_user.is_authenticated:
        return response
    body = response.get_data()
    if b'name="csrf_token"' in body:  # a per-session token must never reach another visitor
        return response
    etag = hashlib.sha256(body).hexdigest()[:32]
    header = json.dumps({"etag": etag, "content_type": response.content_type}).encode()
    _store().set(key, header + b"\n" + body)
    return _conditional(response, etag, g.pop("page_cache_changed_at", None), "miss")


def _store():
    return current_app.extensions["page_cache"]


def register_page_cache(app: Flask) -> None:
    url = app.config.get("REDIS_URL") or ""
    app.extensions["page_cache"] = RedisStore(url) if url else LocalStore()
    app.before_request(_serve_cached)
    app.after_request(_store_rendered)
