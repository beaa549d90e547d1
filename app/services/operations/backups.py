"""Backups of the whole database to one file, and restores from it, for SQLite and PostgreSQL.

SQLite: the online backup API (a consistent copy while the app keeps running, WAL included).
PostgreSQL: pg_dump's custom format and pg_restore (--clean), which need the client tools on the PATH;
the password travels in PGPASSWORD, never on a command line that `ps` shows.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from app.services.errors import ServiceError

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupFailed(ServiceError):
    """The backup or restore could not be done; ``message`` says why in one line."""


def backup(database_url: str, path: Path) -> int:
    """Write the database to ``path``; returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(database_url):
        _sqlite_copy(_sqlite_file(database_url), path, must_exist=True)
    else:
        _run(_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}",
             *_pg_args(database_url), env=_pg_env(database_url))
    return path.stat().st_size


def restore(database_url: str, path: Path) -> None:
    """Replace the database's contents with the backup in ``path`` (made by ``backup``)."""
    if not path.is_file():
        raise BackupFailed(f"No backup file at {path}.")
    header = path.read_bytes()[:16]
    if _is_sqlite(database_url):
        if header != SQLITE_HEADER:
            raise BackupFailed(f"{path} is not an SQLite backup.")
        _sqlite_copy(path, Path(_sqlite_file(database_url)), must_exist=False)
        return
    if not header.startswith(PG_CUSTOM_HEADER):
        raise BackupFailed(f"{path} is not a PostgreSQL backup made by `db backup` (pg_dump custom format).")
    _run(_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         *_pg_args(database_url, flag="--dbname"), str(path), env=_pg_env(database_url))


def _is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def _sqlite_file(database_url: str) -> str:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupFailed("An in-memory SQLite database cannot be backed up or restored.")
    return database


def _sqlite_copy(source: Path | str, target: Path | str, *, must_exist: bool) -> None:
    if must_exist and not Path(source).is_file():
        raise BackupFailed(f"No SQLite database at {source}.")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        src, dst = sqlite3.connect(source), sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # page by page, under SQLite's own locks: writers may go on meanwhile
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite refused the copy: {exc}.") from exc


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupFailed(f"{name} was not found: install the PostgreSQL client tools of the server's major version "
                           "(e.g. apt install postgresql-client-15) and try again.")
    return tool


def _pg_args(database_url: str, flag: str = "--dbname") -> list[str]:
    url = make_url(database_url)
    args = [f"{flag}={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args + ["--no-password"]


def _pg_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    password = make_url(database_url).password
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def _run(*command: str, env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed tools)
    if result.returncode != 0:
        detail = next((line for line in reversed(result.stderr.splitlines()) if line.strip()), "no message")
        raise BackupFailed(f"{Path(command[0]).name} failed: {detail.strip()}")
