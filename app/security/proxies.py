"""Behind a reverse proxy: believe X-Forwarded-For and -Proto from exactly TRUSTED_PROXIES hops.

With 0 (the default) the headers are ignored, so a client cannot pick its own address to dodge the
rate limits. With N, Werkzeug's ProxyFix takes the N-th address from the right: the one the nearest
trusted proxy saw. X-Forwarded-Host is never believed; the proxy passes the Host header through.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def register(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
