"""Security headers on every response, set by Flask-Talisman."""
from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

# No 'unsafe-inline' anywhere: scripts and styles come from our own static files only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def register(app: Flask) -> None:
    talisman.init_app(
        app,
        # TLS ends at the reverse proxy; redirecting here would loop. HSTS is still sent on HTTPS requests.
        force_https=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        # Keep the cookie settings from app.config (Secure follows BASE_URL's scheme).
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
