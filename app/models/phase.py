"""Phases of a challenge (design -> prototype -> field test), their applications and down-selection."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.challenge import Challenge
from app.models.organisation import Organisation
from app.models.pilot import Pilot
from app.models.solution import Solution


class ChallengePhase(Base):
    __tablename__ = "challenge_phases"
    __table_args__ = (UniqueConstraint("challenge_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ...
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    budget: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    places: Mapped[int] = mapped_column(Integer)  # how many suppliers this phase funds
    criteria: Mapped[str] = mapped_column(Text, default="")
    # open (takes applications and selections) -> selected (final: the suppliers carried on are known)
    status: Mapped[str] = mapped_column(String(20), default="open")
    selected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    applications: Mapped[list[PhaseApplication]] = relationship(
        cascade="all, delete-orphan", order_by="PhaseApplication.id")
    selections: Mapped[list[PhaseSelection]] = relationship(cascade="all, delete-orphan", order_by="PhaseSelection.id")


class PhaseApplication(Base):
    __tablename__ = "phase_applications"
    __table_args__ = (UniqueConstraint("phase_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("challenge_phases.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposal: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    solution: Mapped[Solution] = relationship()
    organisation: Mapped[Organisation] = relationship()


class PhaseSelection(Base):
    """A supplier carried into (funded in) a phase; its contract is a pilot record (milestones, spend, KPIs)."""

    __tablename__ = "phase_selections"
    __table_args__ = (UniqueConstraint("phase_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("challenge_phases.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("phase_applications.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id"), unique=True)
    contract_value: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    pilot: Mapped[Pilot] = relationship()
