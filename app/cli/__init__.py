"""`flask <noun> <verb>` command groups, each a thin wrapper over services."""
from __future__ import annotations

from flask import Flask

from app.cli.database import db_group
from app.cli.digests import digests_group, outbox_group
from app.cli.export import export_group
from app.cli.matches import matches_group
from app.cli.security import security_check
from app.cli.seed import seed_group
from app.cli.users import users_group


def register_commands(app: Flask) -> None:
    for group in (db_group, matches_group, seed_group, users_group):
        app.cli.add_command(group)
    app.cli.add_command(security_check)
    for group in (digests_group, outbox_group):
        app.cli.add_command(group)
    app.cli.add_command(export_group)  # open data: flask export ocds|csv
