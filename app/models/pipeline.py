"""Planned challenges published before they are written in full (the early demand map)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.organisation import Organisation


class PipelineItem(Base):
    __tablename__ = "pipeline_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    need: Mapped[str] = mapped_column(Text)
    sector: Mapped[str] = mapped_column(String(30), index=True)
    indicative_budget: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    country: Mapped[str] = mapped_column(String(2), index=True)
    expected_year: Mapped[int] = mapped_column(Integer, index=True)
    expected_quarter: Mapped[int] = mapped_column(Integer)
    # planned -> drafted (a draft challenge was made from it, challenge_id says which) | withdrawn
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def quarter_label(self) -> str:
        return f"Q{self.expected_quarter} {self.expected_year}"
