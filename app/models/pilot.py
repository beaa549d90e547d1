"""Pilot purchases: the award, its KPIs, milestones, measurements, spend and final evaluation."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.application import Application
from app.models.challenge import Challenge
from app.models.organisation import Organisation
from app.models.solution import Solution


class Pilot(Base):
    __tablename__ = "pilots"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    site: Mapped[str] = mapped_column(String(200))
    contract_value: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    cancel_reason: Mapped[str] = mapped_column(String(1000), default="")
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)  # adopted | extended | not_adopted
    rating: Mapped[int | None] = mapped_column(Integer)
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    follow_on_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_on_value: Mapped[int | None] = mapped_column(BigInteger)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    application: Mapped[Application | None] = relationship()
    solution: Mapped[Solution] = relationship()
    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    kpis: Mapped[list[PilotKpi]] = relationship(cascade="all, delete-orphan", order_by="PilotKpi.position")
    milestones: Mapped[list[PilotMilestone]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PilotMilestone.due_date, PilotMilestone.id])
    spend: Mapped[list[PilotSpend]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PilotSpend.spent_on, PilotSpend.id])

    @property
    def total_spend(self) -> int:
        return sum(item.amount for item in self.spend)


class PilotKpi(Base):
    __tablename__ = "pilot_kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)

    measurements: Mapped[list[KpiMeasurement]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [KpiMeasurement.measured_on, KpiMeasurement.id])


class KpiMeasurement(Base):
    __tablename__ = "kpi_measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("pilot_kpis.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PilotMilestone(Base):
    __tablename__ = "pilot_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)


class PilotSpend(Base):
    __tablename__ = "pilot_spend"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
