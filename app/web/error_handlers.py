"""The pages' error seam: service errors and HTTP errors become friendly HTML pages, never a stack trace."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ServiceError, ValidationFailed

# The one table that gives each kind of service error its HTTP status and machine-readable code; pages and the
# JSON API (app.api.errors) both read it. First match wins, so a subclass comes before its base.
SERVICE_ERROR_KINDS: tuple[tuple[type[ServiceError], int, str], ...] = (
    (ValidationFailed, 422, "validation_failed"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (InvalidTransition, 409, "invalid_transition"),
    (Conflict, 409, "conflict"),
)
OTHER_SERVICE_ERROR = (400, "bad_request")
PAGE_TITLES = {403: "Not allowed", 404: "Not found", 409: "Not possible now"}


def classify(error: ServiceError) -> tuple[int, str]:
    """The HTTP status and code of ``error``, from SERVICE_ERROR_KINDS (anything else is a bad request)."""
    return next(((status, code) for kind, status, code in SERVICE_ERROR_KINDS if isinstance(error, kind)),
                OTHER_SERVICE_ERROR)


def error_page(status: int, message: str, title: str | None = None):
    """The HTML error page for ``status``, showing ``message`` (which must be safe to show)."""
    title = title or PAGE_TITLES.get(status) or HTTP_STATUS_CODES.get(status, "Error")
    return render_template("errors/error.html", code=status, title=title, message=message), status


def service_error_page(error: ServiceError):
    """A service refused the request and the view had no form to show it on: an error page with its message."""
    status, _ = classify(error)
    # A view with a form catches ValidationFailed and re-renders (422); one that reaches here is a bad request.
    status = 400 if status == 422 else status
    current_app.logger.info("refused %s %s: %s", request.method, request.path, error.message)
    return error_page(status, error.message)


def csrf_error_page(error: CSRFError):
    return error_page(400, "The form was open too long or came from elsewhere. Please try again.",
                      title="Form expired")


def http_error_page(error: HTTPException):
    return error_page(error.code or 500, error.description or "", PAGE_TITLES.get(error.code or 500, error.name))


def register_error_handlers(app: Flask) -> None:
    """App-wide HTML handlers; the API blueprint registers its own JSON ones, which win for its routes."""
    app.register_error_handler(CSRFError, csrf_error_page)
    app.register_error_handler(HTTPException, http_error_page)
    app.register_error_handler(ServiceError, service_error_page)
