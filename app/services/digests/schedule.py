"""When a user's digest is due and which period it belongs to, in the user's own time zone."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FREQUENCIES = ("off", "daily", "weekly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None when there is no such zone (never raises)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def local_time(now: datetime, time_zone: str) -> datetime:
    return now.astimezone(zone(time_zone) or ZoneInfo("UTC"))


def period_key(frequency: str, now: datetime, time_zone: str) -> str:
    """D<date> for daily and W<iso year>-<iso week> for weekly digests, counted in the user's zone."""
    local = local_time(now, time_zone)
    if frequency == "daily":
        return f"D{local:%Y-%m-%d}"
    iso = local.isocalendar()
    return f"W{iso.year}-{iso.week:02d}"


def is_due(frequency: str, weekday: int, hour: int, time_zone: str, now: datetime) -> bool:
    """True once the chosen local hour (and weekday) of the current period has come.

    Comparing with ">=" instead of "==" means a missed cron tick is caught up by the next one; the unique
    (user, period) run record keeps it to one digest per period.
    """
    if frequency not in ("daily", "weekly"):
        return False
    local = local_time(now, time_zone)
    if frequency == "daily":
        return local.hour >= hour
    return (local.weekday(), local.hour) >= (weekday, hour)
