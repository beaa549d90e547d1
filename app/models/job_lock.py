"""A lock row per running job, for engines without advisory locks (SQLite)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class JobLock(Base):
    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)  # matches-rebuild, digests-send ...
    holder: Mapped[str] = mapped_column(String(120))  # host:pid, to tell the operator who holds it
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A crashed job cannot release its row: past this time the next run takes the lock over.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
