"""Helpers to walk app.url_map: every rule, with sample values for its URL arguments."""
from __future__ import annotations

import re

from werkzeug.routing import Rule

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def sample_path(rule: Rule, values: dict[str, object] | None = None) -> str:
    """The rule's path with each <converter:name> replaced by values[name] or a harmless sample."""
    values = values or {}

    def replace(match: re.Match) -> str:
        converter, name = (match.group(1) or ""), match.group(2)
        if name in values:
            return str(values[name])
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        return "1" if converter == "int" else "sample"

    return re.sub(r"<(?:([^:<>]+):)?([a-z_]+)>", replace, rule.rule)


def rules(app, method: str | None = None) -> list[Rule]:
    found = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    if method:
        found = [r for r in found if method in r.methods]
    return sorted(found, key=lambda r: (r.rule, r.endpoint))
