"""Domain errors raised by services and mapped by the web, API and CLI layers."""
from __future__ import annotations


class ServiceError(Exception):
    """Base class; ``message`` is safe to show to the user."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(ServiceError):
    """Input broke a rule; ``errors`` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, first_field)
        self.errors = errors


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class InvalidTransition(Conflict):
    """A status change that the lifecycle does not allow."""
