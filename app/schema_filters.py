"""What schema comparisons ignore: the full-text search structures that live outside the models.

Shared by migrations/env.py (autogenerate) and tests/test_migrations.py, so both compare the same things.
"""
from __future__ import annotations

# FTS5 tables (SQLite) and expression indexes (PostgreSQL) are created by hand in migrations.
IGNORED_TABLE_PREFIXES = ("challenges_fts", "solutions_fts")
IGNORED_INDEX_PREFIX = "ix_search_"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: skip search tables and search indexes."""
    if type_ == "table" and name and name.startswith(IGNORED_TABLE_PREFIXES):
        return False
    if type_ == "index" and name and name.startswith(IGNORED_INDEX_PREFIX):
        return False
    return True
