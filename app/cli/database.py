"""`flask db ...`: Alembic migrations against the app's DATABASE_URL."""
from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from app.config import ROOT
from app.services.operations import backups


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["skip_logging"] = True
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


@click.group("db")
def db_group() -> None:
    """Database schema migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"Database at {revision}.")


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(current_app.config["DATABASE_URL"]))


@db_group.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write the whole database to PATH (SQLite online backup, or pg_dump custom format)."""
    try:
        size = backups.backup(current_app.config["DATABASE_URL"], path)
    except backups.BackupFailed as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Backup written to {path} ({size:,} bytes).")


@db_group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database's contents.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH (stop the app and workers first)."""
    if not yes:
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    current_app.extensions["db_engine"].dispose()  # no pooled connection may hold the old file or locks
    try:
        backups.restore(current_app.config["DATABASE_URL"], path)
    except backups.BackupFailed as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Database restored from {path}.")
