"""Domain errors raised by services; no HTTP here: app.web.error_handlers maps each kind to a status."""
from __future__ import annotations


class ServiceError(Exception):
    """Base class; ``message`` is safe to show to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(ServiceError):
    """Input broke a rule; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, first_field)
        self.errors = errors


class NotFound(ServiceError):
    """The object does not exist, or the actor may not know that it does."""


class Forbidden(ServiceError):
    """The actor is not allowed to do this."""


class Conflict(ServiceError):
    """The request clashes with the current state (a duplicate, a closed challenge...)."""


class InvalidTransition(Conflict):
    """A status change that the lifecycle does not allow."""
