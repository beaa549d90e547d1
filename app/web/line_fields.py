"""Parse 'one item per line, fields separated by |' text areas into rows (criteria, KPIs, milestones)."""
from __future__ import annotations

import math
from datetime import date


class LineError(ValueError):
    """A line that does not have the expected shape; the message names the line."""


def split_lines(text: str, min_fields: int, max_fields: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        fields = [part.strip() for part in line.split("|")]
        if not min_fields <= len(fields) <= max_fields:
            raise LineError(f"Line {number}: expected {min_fields} to {max_fields} parts separated by '|'.")
        rows.append(fields + [""] * (max_fields - len(fields)))
    return rows


def number(value: str, line: int) -> float:
    try:
        parsed = float(value.replace(",", ""))
    except ValueError as exc:
        raise LineError(f"Line {line}: '{value}' is not a number.") from exc
    if not math.isfinite(parsed):  # 'nan', 'inf' and '1e400' parse, but no one measured them
        raise LineError(f"Line {line}: give a finite number, not '{value}'.")
    return parsed


def day(value: str, line: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise LineError(f"Line {line}: '{value}' is not a date (YYYY-MM-DD).") from exc
