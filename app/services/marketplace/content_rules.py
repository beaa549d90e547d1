"""Validation rules shared by challenges and solutions."""
from __future__ import annotations

from app.code_lists import SECTORS
from app.security import input_rules

MAX_TAGS = 12
MAX_TAG_LENGTH = 40


def clean_tags(raw: list[str] | str) -> list[str]:
    """Lower-cased, de-duplicated tags in the order given; accepts a comma-separated string."""
    items = raw.split(",") if isinstance(raw, str) else raw
    seen: dict[str, None] = {}
    for item in items:
        tag = " ".join(input_rules.strip_bidi_controls(item).strip().lower().split())
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


def text_problems(values: dict[str, object], tags: list[str]) -> dict[str, str]:
    """Control characters (NUL, escape ...) refused here too, so a script calling the service directly cannot
    store what the forms and the API refuse (PostgreSQL would fail on NUL; SQLite would store it)."""
    errors = input_rules.text_problems(values)
    tag_problem = input_rules.text_problem(" ".join(tags))
    if tag_problem:
        errors["tags"] = tag_problem
    return errors


def clean_text(values: dict, limits: dict[str, int], single_line: set[str]) -> dict:
    """Stored form of the text fields: trimmed, LF line breaks, no bidi controls in single-line fields."""
    for name in limits:
        text = input_rules.normalise_line_breaks(values[name])
        values[name] = (input_rules.strip_bidi_controls(text) if name in single_line else text).strip()
    return values


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
