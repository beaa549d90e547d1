"""Migrations: `upgrade heads` on an empty database gives exactly the models' schema, on SQLite and PostgreSQL.

Each test builds its own empty database (a temporary SQLite file, or a throw-away PostgreSQL database on
the server named by DATABASE_URL), so it never disturbs the run's shared test database.
"""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app import models  # noqa: F401  (every table on Base.metadata)
from app.cli.database import alembic_config, upgrade
from app.db import Base, make_engine
from app.schema_filters import include_object  # the same filter as migrations/env.py


def _schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _current_heads(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def test_upgrade_heads_matches_the_models(empty_database_url):
    upgrade(empty_database_url, "heads")

    assert _schema_differences(empty_database_url) == []
    script = ScriptDirectory.from_config(alembic_config(empty_database_url))
    assert _current_heads(empty_database_url) == set(script.get_heads())


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    upgrade(empty_database_url, "heads")
    command.downgrade(alembic_config(empty_database_url), "base")

    assert _table_names(empty_database_url) <= {"alembic_version"}
    assert _current_heads(empty_database_url) == set()

    upgrade(empty_database_url, "heads")
    assert _schema_differences(empty_database_url) == []
    assert {"organisations", "users", "challenges", "solutions"} <= _table_names(empty_database_url)


def test_search_indexes_are_created(empty_database_url):
    """The full-text search structures that autogenerate ignores exist after upgrade."""
    upgrade(empty_database_url, "heads")
    engine = make_engine(empty_database_url)
    try:
        inspector = inspect(engine)
        if engine.dialect.name == "sqlite":
            assert {"challenges_fts", "solutions_fts"} <= set(inspector.get_table_names())
        else:
            names = {index["name"] for index in inspector.get_indexes("challenges")}
            assert "ix_search_challenges" in names
    finally:
        engine.dispose()
