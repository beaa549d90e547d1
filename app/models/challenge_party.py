"""Buyer groups: the organisations that co-own or observe a challenge besides its lead buyer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.challenge import Challenge
from app.models.organisation import Organisation


class ChallengeParty(Base):
    """One organisation's place in a challenge's buyer group.

    The lead is ``challenges.organisation_id`` (one source of truth, which every existing query already reads);
    rows here are the invited parties: ``co_owner`` or ``observer``, ``invited`` -> ``accepted`` -> ``removed``.
    """

    __tablename__ = "challenge_party"
    __table_args__ = (UniqueConstraint("challenge_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # co_owner | observer ("lead" is the challenge's organisation)
    status: Mapped[str] = mapped_column(String(20), default="invited")  # invited | accepted | removed
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()
    organisation: Mapped[Organisation] = relationship()
