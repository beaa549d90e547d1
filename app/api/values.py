"""Turn validated JSON values into Python values the services take."""
from __future__ import annotations

from datetime import UTC, datetime

from app.api.errors import ApiError


def parse_timestamp(value: str, field: str) -> datetime:
    """An RFC 3339 date-time with an offset, in UTC; anything else is a 400 naming the field."""
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(value)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ApiError(400, "invalid_input", "Give a date-time with a time zone, e.g. 2030-01-31T23:59:00Z.",
                       field) from exc
