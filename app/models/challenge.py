"""Challenge statements posted by buyers."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.organisation import Organisation

if TYPE_CHECKING:
    from app.models.challenge_party import ChallengeParty


class Challenge(Base):
    __tablename__ = "challenges"
    # The public list's default: one status, newest first (migration 0040).
    __table_args__ = (Index("ix_challenges_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    problem_statement: Mapped[str] = mapped_column(Text)
    desired_outcomes: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str] = mapped_column(String(30), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    trl_expected: Mapped[int] = mapped_column(Integer)
    budget_min: Mapped[int | None] = mapped_column(BigInteger)
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    location: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Moderation: a hidden item vanishes from every public view (app.services.moderation.actions).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()  # the lead buyer
    # Buyer groups (app.models.challenge_party): co-owners and observers in any status; read-only from here.
    parties: Mapped[list[ChallengeParty]] = relationship(viewonly=True, order_by="ChallengeParty.id")

    @property
    def buyers(self) -> list[Organisation]:
        """Every buying organisation, lead first, then accepted co-owners in the order they joined."""
        co_owners = sorted((p for p in self.parties if p.role == "co_owner" and p.status == "accepted"),
                           key=lambda p: (p.accepted_at, p.id))
        return [self.organisation, *(p.organisation for p in co_owners)]
