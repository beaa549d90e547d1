"""Hardening wired into the app factory: proxy hops, headers, rate limits, session time-outs, trusted hosts,
input guards."""
from __future__ import annotations

from flask import Flask


def register_hardening(app: Flask) -> None:
    from app.security import headers, hosts, input_guards, limits, proxies, sessions

    proxies.register(app)
    input_guards.register(app)
    hosts.register(app)
    headers.register(app)
    limits.register(app)
    sessions.register(app)
