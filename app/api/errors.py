"""JSON errors for the API: {"status", "code", "message", "field"} — never an HTML page, never a stack trace."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request
from flask.wrappers import Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.services.errors import ServiceError, ValidationFailed
from app.web.error_handlers import classify

API_PATH_PREFIX = "/api/"
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "rate_limited", 500: "internal_error",
}
DEFAULT_RETRY_AFTER_S = 60


class ApiError(Exception):
    """An error the API answers directly, with a machine-readable code and the offending field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> Response:
    body: dict = {"status": status, "code": code, "message": message, "field": field}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def from_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.field, error.headers)


def from_service_error(error: ServiceError) -> Response:
    """Status and code from the one kind -> status table (app.web.error_handlers); field errors included."""
    status, code = classify(error)
    errors = error.errors if isinstance(error, ValidationFailed) else None
    return error_response(status, code, error.message, error.field, errors=errors)


def from_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = str(_retry_after_s(error))
    message = error.description if status != 500 else "Something went wrong on our side."
    return error_response(status, CODES.get(status, "error"), message, headers=headers)


def _retry_after_s(error: HTTPException) -> int:
    """Seconds until the breached limit resets (Flask-Limiter's RateLimitExceeded carries the limit)."""
    item = getattr(getattr(error, "limit", None), "limit", None)
    try:
        return max(1, int(item.get_expiry()))
    except (AttributeError, TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_S


def from_unexpected(error: Exception) -> Response:
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def register_blueprint_handlers(bp: Blueprint) -> None:
    """JSON for every error raised inside an API view (called once, when the blueprint is defined).

    Flask looks through the blueprint's handlers before the app's, so these win over the HTML pages' handlers
    (app.web.error_handlers) for every /api/v1 route.
    """
    bp.register_error_handler(ApiError, from_api_error)
    bp.register_error_handler(ServiceError, from_service_error)
    # Code-specific handlers first: they win over app-wide handlers for the same code.
    for status in CODES:
        bp.register_error_handler(status, _by_code)
    bp.register_error_handler(HTTPException, from_http_error)
    bp.register_error_handler(Exception, from_unexpected)


def register_app_hooks(app: Flask) -> None:
    """/api/ URLs that match no route (404) or not with this method (405) also answer JSON."""
    app.before_request(_unmatched_api_url)


def _by_code(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return from_http_error(error)
    return from_unexpected(error)


def _unmatched_api_url() -> Response | None:
    """Routing errors surface after before_request hooks: answer them here as JSON for /api/ paths."""
    error = request.routing_exception
    if error is None or not request.path.startswith(API_PATH_PREFIX):
        return None
    if isinstance(error, (NotFound, MethodNotAllowed)):
        return from_http_error(error)
    return None
