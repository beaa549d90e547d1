"""The version of everything public pages show (app.models.content_version): the page cache's key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.content_version import ROW_ID, ContentVersion


def current(session: Session) -> tuple[int, datetime] | None:
    """(version, when it last moved); None when the counter's row is missing (an emptied database)."""
    row = session.execute(select(ContentVersion.version, ContentVersion.changed_at)
                          .where(ContentVersion.id == ROW_ID)).first()
    return (row.version, row.changed_at) if row else None
