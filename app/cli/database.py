"""`flask db ...`: Alembic migrations against the app's DATABASE_URL."""
from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from app.config import ROOT


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
