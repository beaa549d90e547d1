"""Hardening wired into the app factory: headers, rate limits, session time-outs, trusted hosts."""
from __future__ import annotations

from flask import Flask


def register_hardening(app: Flask) -> None:
    from app.security import headers, hosts, limits, sessions

    hosts.register(app)
    headers.register(app)
    limits.register(app)
    sessions.register(app)
