"""How dates, deadlines and money read to people: plain functions shared by web pages and e-mails (no Flask)."""
from __future__ import annotations

from datetime import datetime

from app.db import utcnow


def closes_in(deadline: datetime | None) -> str:
    """Human wording for a deadline: 'closes in 3 days', 'closes today', 'closed'."""
    if deadline is None:
        return ""
    delta = deadline - utcnow()
    if delta.total_seconds() < 0:
        return "deadline passed"
    days = delta.days
    if days == 0:
        return "closes today"
    return "closes tomorrow" if days == 1 else f"closes in {days} days"


def money(value: int | None, currency: str = "") -> str:
    return "" if value is None else f"{value:,} {currency}".strip()


def short_date(value: datetime | None) -> str:
    """``23 Nov 2026``."""
    return value.strftime("%d %b %Y") if value else ""
