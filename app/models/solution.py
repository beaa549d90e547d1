"""Solutions listed by innovators."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.organisation import Organisation


class Solution(Base):
    __tablename__ = "solutions"
    # The public list's default: one status, newest first (migration 0040).
    __table_args__ = (Index("ix_solutions_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    trl: Mapped[int] = mapped_column(Integer)
    deployed_in: Mapped[str] = mapped_column(String(500), default="")
    pricing_model: Mapped[str] = mapped_column(String(30))
    website: Mapped[str] = mapped_column(String(300), default="")
    # Solutions are filtered by their organisation's country; kept here so lists need no join.
    country: Mapped[str] = mapped_column(String(2), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Moderation: a hidden item vanishes from every public view (app.services.moderation.actions).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    sector_links: Mapped[list[SolutionSector]] = relationship(
        cascade="all, delete-orphan", order_by="SolutionSector.sector", lazy="selectin"
    )

    @property
    def sectors(self) -> list[str]:
        return [link.sector for link in self.sector_links]

    @sectors.setter
    def sectors(self, codes: list[str]) -> None:
        wanted = list(dict.fromkeys(codes))
        self.sector_links = [link for link in self.sector_links if link.sector in wanted]
        have = {link.sector for link in self.sector_links}
        self.sector_links.extend(SolutionSector(sector=code) for code in wanted if code not in have)


class SolutionSector(Base):
    """A solution may serve several sectors; a row per pair keeps sector filters plain SQL."""

    __tablename__ = "solution_sectors"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
