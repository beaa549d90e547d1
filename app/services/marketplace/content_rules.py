"""Validation rules shared by challenges and solutions."""
from __future__ import annotations

from app.code_lists import SECTORS

MAX_TAGS = 12
MAX_TAG_LENGTH = 40


def clean_tags(raw: list[str] | str) -> list[str]:
    """Lower-cased, de-duplicated tags in the order given; accepts a comma-separated string."""
    items = raw.split(",") if isinstance(raw, str) else raw
    seen: dict[str, None] = {}
    for item in items:
        tag = " ".join(item.strip().lower().split())
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def length_problems(values: dict[str, str], limits: dict[str, int], required: set[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, limit in limits.items():
        value = (values.get(field) or "").strip()
        if field in required and not value:
            errors[field] = "This field is required."
        elif len(value) > limit:
            errors[field] = f"Keep this under {limit} characters (now {len(value)})."
    return errors


def tag_problems(tags: list[str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        return {"tags": f"Use at most {MAX_TAGS} tags."}
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        return {"tags": f"Keep each tag under {MAX_TAG_LENGTH} characters."}
    return {}


def trl_problem(trl: int | None) -> str | None:
    if trl is None or not 1 <= trl <= 9:
        return "Choose a technology readiness level from 1 to 9."
    return None


def sector_problem(code: str) -> str | None:
    return None if code in SECTORS else "Choose a sector from the list."
