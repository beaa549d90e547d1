"""One run at a time for jobs that must not overlap (match rebuilds, digest sends).

PostgreSQL: a session-level advisory lock on a connection of its own, held for the whole job (the
job's own session commits many times and may change connection in between); the server drops it
if the process dies. SQLite has no such lock: a row in ``job_locks`` with an expiry instead, so a
crashed job blocks the next runs for at most ``ttl`` rather than for ever.
"""
from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.models import JobLock
from app.services.errors import Conflict

DEFAULT_TTL = timedelta(hours=6)


class JobAlreadyRunning(Conflict):
    """Another process holds the lock of this job."""


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _advisory_key(name: str) -> int:
    # A stable 32-bit number per job name (Python's hash() changes between processes).
    return zlib.crc32(f"civimatch:{name}".encode())


@contextmanager
def exclusive_job(engine: Engine, name: str, *, ttl: timedelta = DEFAULT_TTL) -> Iterator[None]:
    """Run the body only if no other process runs job ``name``; otherwise raise JobAlreadyRunning."""
    lock = _advisory_lock if engine.dialect.name == "postgresql" else _row_lock
    with lock(engine, name, ttl):
        yield


@contextmanager
def _advisory_lock(engine: Engine, name: str, _ttl: timedelta) -> Iterator[None]:
    key = _advisory_key(name)
    with engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            raise JobAlreadyRunning(f"{name} is already running in another process; try again when it has finished.")
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


@contextmanager
def _row_lock(engine: Engine, name: str, ttl: timedelta) -> Iterator[None]:
    holder, now = _holder(), utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(delete(JobLock).where(JobLock.name == name, JobLock.expires_at < now))
            conn.execute(insert(JobLock).values(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
    except IntegrityError:
        raise JobAlreadyRunning(f"{name} is already running in another process; try again when it has finished "
                                f"(or after {ttl} if that process died).") from None
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(delete(JobLock).where(JobLock.name == name, JobLock.holder == holder))
