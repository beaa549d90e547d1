"""Public clarifications of a challenge: questions from innovators with the owners' answers, notices
(amendments) and the log of who was e-mailed about which of them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class Enquiry(Base):
    """A question asked about a challenge; public (without the asker) once its answer is published."""

    __tablename__ = "challenge_enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    # Never published; SET NULL so erasing an account keeps the (anonymous) question and answer.
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notice(Base):
    """An amendment published by the owners; old and new deadline/budget are kept for the public history."""

    __tablename__ = "challenge_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    document_url: Mapped[str] = mapped_column(String(500), default="")
    old_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    old_budget_min: Mapped[int | None] = mapped_column(BigInteger)
    old_budget_max: Mapped[int | None] = mapped_column(BigInteger)
    new_budget_min: Mapped[int | None] = mapped_column(BigInteger)
    new_budget_max: Mapped[int | None] = mapped_column(BigInteger)
    budget_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClarificationMail(Base):
    """One e-mail about one answer or notice to one user; the unique key means never twice."""

    __tablename__ = "clarification_mails"
    __table_args__ = (UniqueConstraint("user_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(40))  # "enquiry:<id>" | "notice:<id>"
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
