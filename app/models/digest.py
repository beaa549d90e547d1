"""Digest preferences, the per-period run log, the sent-item log, and saved (bookmarked) challenges."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow

DEFAULT_FREQUENCY = "weekly"
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_HOUR = 8
DEFAULT_TIME_ZONE = "UTC"
DEFAULT_MIN_SCORE = 0.2


class DigestPreference(Base):
    """How often, when (in the user's own time zone) and about what a user wants digests."""

    __tablename__ = "digest_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    frequency: Mapped[str] = mapped_column(String(10), default=DEFAULT_FREQUENCY)  # off | daily | weekly
    weekday: Mapped[int] = mapped_column(Integer, default=DEFAULT_WEEKDAY)  # 0 = Monday (weekly digests)
    hour: Mapped[int] = mapped_column(Integer, default=DEFAULT_HOUR)  # local hour, 0-23
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)  # IANA name
    min_score: Mapped[float] = mapped_column(Float, default=DEFAULT_MIN_SCORE)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty = every sector
    # Answers and notices of challenges the user follows (saved, applied to, matched): sent at once, not digested.
    follow_emails: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DigestRun(Base):
    """One user's digest for one period; the unique key makes a second run in the period a no-op."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("user_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(20))  # D2026-11-23 | W2026-48 (in the user's time zone)
    item_count: Mapped[int] = mapped_column(Integer, default=0)  # 0: nothing passed the threshold, nothing sent
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestItem(Base):
    """An item already e-mailed to a user; the unique key means it is never e-mailed to them again."""

    __tablename__ = "digest_items"
    __table_args__ = (UniqueConstraint("user_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # "challenge:<id>" (innovators), "match:<challenge>:<solution>" (buyers), "application:<id>", "deadline:<id>"
    item_key: Mapped[str] = mapped_column(String(80))
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedChallenge(Base):
    """A challenge a user bookmarked; its deadline reminder goes into their digest."""

    __tablename__ = "saved_challenges"
    __table_args__ = (UniqueConstraint("user_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
