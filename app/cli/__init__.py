"""`flask <noun> <verb>` command groups, each a thin wrapper over services."""
from __future__ import annotations

from flask import Flask

from app.cli.database import db_group
from app.cli.seed import seed_group
from app.cli.users import users_group


def register_commands(app: Flask) -> None:
    for group in (db_group, seed_group, users_group):
        app.cli.add_command(group)
