"""Digest preferences: read with defaults, validate and save, and one-click unsubscribe by signed token."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.code_lists import SECTORS
from app.mail.digest_email import UNSUBSCRIBE_PURPOSE
from app.models import DigestPreference, User
from app.models.digest import DEFAULT_FREQUENCY, DEFAULT_HOUR, DEFAULT_MIN_SCORE, DEFAULT_TIME_ZONE, DEFAULT_WEEKDAY
from app.services.digests.schedule import FREQUENCIES, zone
from app.services.errors import NotFound, ValidationFailed
from app.signed_links import TokenInvalid, read_token


@dataclass
class PreferenceData:
    frequency: str = DEFAULT_FREQUENCY
    weekday: int = DEFAULT_WEEKDAY
    hour: int = DEFAULT_HOUR
    time_zone: str = DEFAULT_TIME_ZONE
    min_score: float = DEFAULT_MIN_SCORE
    sectors: list[str] = field(default_factory=list)
    follow_emails: bool = True  # answers and notices of followed challenges, sent as they are published


class UnsubscribeLinkInvalid(NotFound):
    """The unsubscribe link was tampered with or has expired; nothing was changed."""

    status = 400


def validate(data: PreferenceData) -> dict[str, str]:
    """Field errors for preference data; an empty dict means valid."""
    checks = {
        "frequency": None if data.frequency in FREQUENCIES else "Choose off, daily or weekly.",
        "weekday": None if isinstance(data.weekday, int) and 0 <= data.weekday <= 6 else "Choose a weekday.",
        "hour": None if isinstance(data.hour, int) and 0 <= data.hour <= 23 else "Choose an hour from 0 to 23.",
        "time_zone": None if data.time_zone and zone(data.time_zone) else
        "Give a time zone such as Europe/Helsinki or America/New_York.",
        "min_score": None if isinstance(data.min_score, (int, float)) and math.isfinite(data.min_score)
        and 0 <= data.min_score <= 1 else "Give a minimum score between 0 and 1.",
        "sectors": None if all(code in SECTORS for code in data.sectors) else "Choose sectors from the list.",
    }
    return {name: message for name, message in checks.items() if message}


def preferences_for(session: Session, user_id: int) -> PreferenceData:
    """The user's preferences, or the defaults (weekly) when they never changed them."""
    row = session.scalar(select(DigestPreference).where(DigestPreference.user_id == user_id))
    if row is None:
        return PreferenceData()
    return PreferenceData(frequency=row.frequency, weekday=row.weekday, hour=row.hour, time_zone=row.time_zone,
                          min_score=row.min_score, sectors=list(row.sectors or []),
                          follow_emails=row.follow_emails)


def _row(session: Session, user_id: int) -> DigestPreference:
    row = session.scalar(select(DigestPreference).where(DigestPreference.user_id == user_id))
    if row is None:
        row = DigestPreference(user_id=user_id, sectors=[])
        session.add(row)
    return row


def save_preferences(session: Session, actor_id: int, data: PreferenceData) -> PreferenceData:
    """Store the actor's own preferences; raises ValidationFailed with field errors."""
    if session.get(User, actor_id) is None:
        raise NotFound("No such user.")
    data.time_zone = data.time_zone.strip()
    data.sectors = list(dict.fromkeys(data.sectors))
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    row = _row(session, actor_id)
    row.frequency, row.weekday, row.hour = data.frequency, data.weekday, data.hour
    row.time_zone, row.min_score, row.sectors = data.time_zone, float(data.min_score), data.sectors
    row.follow_emails = bool(data.follow_emails)
    session.commit()
    return data


def user_for_unsubscribe(session: Session, token: str, *, secret: str, max_age_s: int) -> User:
    """The user an unsubscribe link is for; raises UnsubscribeLinkInvalid (and changes nothing) otherwise."""
    try:
        payload = read_token(secret, UNSUBSCRIBE_PURPOSE, token, max_age_s)
    except TokenInvalid as exc:
        reason = ("This unsubscribe link has expired. Log in and open your digest settings to stop the e-mails."
                  if exc.expired else "This unsubscribe link is not valid. Nothing was changed.")
        raise UnsubscribeLinkInvalid(reason) from exc
    user_id = payload.get("u") if isinstance(payload, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise UnsubscribeLinkInvalid("This unsubscribe link is for an account that no longer exists.")
    return user


def unsubscribe(session: Session, token: str, *, secret: str, max_age_s: int) -> User:
    """Turn digests off for the user the signed link names; no login needed (RFC 8058 one-click)."""
    user = user_for_unsubscribe(session, token, secret=secret, max_age_s=max_age_s)
    _row(session, user.id).frequency = "off"
    session.commit()
    return user
