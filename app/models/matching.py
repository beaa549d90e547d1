"""Stored recommendations (matches) and the feedback organisations give on them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.challenge import Challenge
from app.models.solution import Solution


def _score_of_row(context) -> float:
    """A rank score not given is the row's own score (no feedback reordered the list)."""
    return context.get_current_parameters()["score"]


class Match(Base):
    """One challenge–solution pair worth showing, with its score and readable reasons."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("challenge_id", "solution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    # Position of this solution in the challenge's list, and of this challenge in the solution's list
    # (None when the pair is only in the other side's top list).
    rank_for_challenge: Mapped[int | None] = mapped_column(Integer)
    rank_for_solution: Mapped[int | None] = mapped_column(Integer)
    # Where the pair sits in the challenge owner's lists and in the solution owner's: ``score``,
    # unless that organisation's relevant / not-relevant marks reordered its list. Lists order
    # by these; pages, the API and e-mails show ``score``, the pair's own strength.
    rank_score_for_challenge: Mapped[float] = mapped_column(Float, default=_score_of_row)
    rank_score_for_solution: Mapped[float] = mapped_column(Float, default=_score_of_row)
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"kind": "terms", "text": "..."}]
    model_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()
    solution: Mapped[Solution] = relationship()

    def reasons_seen_by(self, side: str) -> list[dict]:
        """The reasons shown to the owner of the pair's ``side`` ("challenge" or "solution"):
        all but the other organisation's feedback reasons (tagged with ``for``)."""
        return [r for r in self.reasons or [] if r.get("for", side) == side]


class MatchFeedback(Base):
    """An organisation's verdict on a pair: relevant, not_relevant or hidden."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("organisation_id", "challenge_id", "solution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MatchModelRecord(Base):
    """A fitted recommender, stored so that every web worker ranks with the same model.

    Items published or edited after ``fitted_at`` are added to the loaded model on top
    (transformed with the fitted vocabulary, never refitted) until the next full rebuild.
    """

    __tablename__ = "match_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    challenges: Mapped[int] = mapped_column(Integer, default=0)
    solutions: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class MatchRefresh(Base):
    """An item whose stored matches are due to be recomputed (one row per item while it waits).

    Written in the same transaction as the publish or edit that makes it due, so a change is never
    committed without its refresh being recorded; the refresh job deletes the row once the item's
    matches are stored. ``item_id`` names a challenge or a solution (``item_kind``), hence no foreign key.
    """

    __tablename__ = "match_refresh"
    __table_args__ = (
        UniqueConstraint("item_kind", "item_id"),
        Index("ix_match_refresh_due", "gave_up_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))  # "challenge" or "solution"
    item_id: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a run may take it: now when requested, later after a failure (back-off) or while claimed (lease).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
