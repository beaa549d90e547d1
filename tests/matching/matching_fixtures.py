"""Builders for matching tests (no app, no database), imported by name: ``from matching_fixtures import ...``.

A uniquely named module rather than ``conftest``, which other test folders have too.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.matching import CHALLENGE, SOLUTION, Item  # noqa: E402

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def challenge(item_id, text, **fields) -> Item:
    """A challenge with ``text`` as description."""
    return Item(item_id, CHALLENGE, fields.pop("title", f"challenge {item_id}"), description=text, **fields)


def solution(item_id, text, **fields) -> Item:
    """A solution with ``text`` as description."""
    return Item(item_id, SOLUTION, fields.pop("title", f"solution {item_id}"), description=text, **fields)
