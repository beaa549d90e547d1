"""Pure checks on untrusted input, shared by forms, the API and services: no Flask, no database.

Why these rules: PostgreSQL cannot store NUL in text, other control characters (escape sequences, bells,
backspaces) only ever mislead a reader or a terminal, bidi overrides make a title read backwards, Inf and NaN
are not numbers a person measured (and not valid JSON), and a deadline 200 years out is a typing slip.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

# Every C0/C1 control character and DEL, except tab and newline (carriage returns are normalised away first).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ANY_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Explicit direction marks, embeddings, overrides and isolates (Unicode's Bidi_Control property).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile(r"\r\n?")
CONTROL_MESSAGE = "Remove control characters (such as NUL or escape) from this text."
NOT_FINITE_MESSAGE = "Give a finite number."
MAX_YEARS_AHEAD = 10
HORIZON_MESSAGE = f"Give a date within the next {MAX_YEARS_AHEAD} years."
MAX_JSON_DEPTH = 32  # the API's deepest documented body is 3 levels; anything far deeper is not ours
# Possessive quantifiers: an unterminated string must not make the pattern backtrack exponentially.
_JSON_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_BRACKETS = re.compile(r"[\[\]{}]")


def normalise_line_breaks(text: str) -> str:
    """Browsers send text-area line breaks as CR LF: store plain LF, so CR is never stored."""
    return LINE_BREAKS.sub("\n", text)


def strip_bidi_controls(text: str) -> str:
    """Single-line text (titles, names, places) loses direction controls, so it reads as it is stored."""
    return BIDI_CONTROLS.sub("", text)


def clean_single_line(text: str) -> str:
    return strip_bidi_controls(normalise_line_breaks(text))


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(normalise_line_breaks(text)) is not None


def has_any_control_characters(text: str) -> bool:
    """Stricter, for values that end up in headers or URLs (a `next` target): tab and newline count too."""
    return ANY_CONTROL_CHARACTER.search(text) is not None


def is_storable(text: str) -> bool:
    """False for lone surrogates (from JSON escapes), which cannot be encoded as UTF-8 and stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(text: str | None) -> str | None:
    """A field message when ``text`` holds characters we refuse; None when it may be stored."""
    if not text:
        return None
    if not is_storable(text):
        return "Text must be valid Unicode."
    return CONTROL_MESSAGE if has_control_characters(text) else None


def text_problems(values: dict[str, object]) -> dict[str, str]:
    """Field messages for every string value that text_problem refuses."""
    found = {name: text_problem(value) for name, value in values.items() if isinstance(value, str)}
    return {name: message for name, message in found.items() if message}


def number_problem(value: float | int | None) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE_MESSAGE
    return None


def date_horizon(today: date) -> date:
    """The last date a person plausibly means when typing a future date."""
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today + timedelta(days=365 * MAX_YEARS_AHEAD)


def horizon_problem(value: date | datetime | None, today: date) -> str | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    return HORIZON_MESSAGE if day > date_horizon(today) else None


def json_depth_exceeds(raw: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than ``limit``: checked before parsing, because a
    parser (and any walk over its result) recurses once per level and a 100,000-deep body overflows it."""
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRINGS.sub("", raw)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False
