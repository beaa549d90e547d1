"""The JSON API at /api/v1: token-authenticated, described by an OpenAPI document built from its routes."""
from __future__ import annotations

from flask import Flask


def load_routes() -> None:
    """Import every route module, so the registry (and the OpenAPI document) is complete."""
    from app.api import account_routes, challenges, matches, openapi, organisations, pilots, solutions  # noqa: F401
    from app.api import clarifications as _clarifications  # noqa: F401  (issue 12: answers and notices)
    from app.api import pipeline as _pipeline  # noqa: F401  (issue 13: the published pipeline)


def register_api(app: Flask) -> None:
    """Register the API blueprint (CSRF-exempt: it authenticates by token, never by cookie) and its pages."""
    from app.api.errors import register_app_hooks
    from app.api.pages import bp as pages_bp
    from app.api.registry import bp
    from app.extensions import csrf

    load_routes()
    csrf.exempt(bp)
    register_app_hooks(app)
    app.register_blueprint(bp)
    app.register_blueprint(pages_bp)
