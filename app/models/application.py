"""Applications to challenges, the buyer's evaluation criteria, scores and their audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.challenge import Challenge
from app.models.organisation import Organisation, User
from app.models.solution import Solution


class EvaluationCriterion(Base):
    """A published criterion with its weight; applicants see them before they apply."""

    __tablename__ = "evaluation_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Application(Base):
    """An innovator's proposal to solve a challenge with one of its published solutions."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("challenge_id", "solution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approach: Mapped[str] = mapped_column(Text)
    price_amount: Mapped[int | None] = mapped_column(BigInteger)
    price_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    timeline: Mapped[str] = mapped_column(String(1000))
    # The applicant chooses whether its proposal may be published (OCDS bids, CSV); off by default.
    proposal_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    status_reason: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    solution: Mapped[Solution] = relationship()
    organisation: Mapped[Organisation] = relationship()


class ConflictDeclaration(Base):
    """An evaluator's declaration of no conflict of interest; required before scoring a challenge."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(Base):
    """The current score of one evaluator for one criterion of one application."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("application_id", "criterion_id", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScoreChange(Base):
    """Append-only audit trail: one row per score given or changed, never updated or deleted."""

    __tablename__ = "score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id", ondelete="CASCADE"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    old_value: Mapped[int | None] = mapped_column(Integer)
    new_value: Mapped[int] = mapped_column(Integer)
    old_comment: Mapped[str] = mapped_column(Text, default="")
    new_comment: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion: Mapped[EvaluationCriterion] = relationship()
    evaluator: Mapped[User] = relationship()


class AuditTrailViolation(RuntimeError):
    """Raised when code tries to rewrite history in the score audit trail."""


@event.listens_for(ScoreChange, "before_update")
@event.listens_for(ScoreChange, "before_delete")
def _refuse_rewrite(_mapper, _connection, _target) -> None:
    raise AuditTrailViolation("score_changes is append-only")
