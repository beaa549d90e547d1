"""`flask users ...`: platform administrator accounts."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import get_session
from app.services.accounts import users as accounts
from app.services.errors import ServiceError


@click.group("users")
def users_group() -> None:
    """User accounts."""


@users_group.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Platform admin", show_default=True)
@click.password_option(help="Prompted for when not given (use CIVIMATCH_ADMIN_PASSWORD in scripts).",
                       envvar="CIVIMATCH_ADMIN_PASSWORD")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform administrator."""
    try:
        user = accounts.create_admin(get_session(), email, name, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Admin {user.email} created (id {user.id}).")
