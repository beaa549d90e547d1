"""App-wide guards on input that no single view should have to remember: bounded integer ids in URLs, no control
characters in query strings, and a JSON encoder that fails rather than emit the non-JSON tokens Infinity and NaN."""
from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from app.security.input_rules import has_control_characters

API_PREFIX = "/api/"  # the API checks its own parameters and names the one at fault (app.api.inputs)

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL; SQLite refuses anything past 64 bits


def decimal_range_pattern(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 1..limit, written without leading zeros."""
    digits = str(limit)
    choices = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []  # fewer digits than limit
    for position, digit in enumerate(digits):  # as many digits: equal up to `position`, then a smaller digit
        lowest = 1 if position == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - position - 1
            choices.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


class BoundedIdConverter(IntegerConverter):
    """`<int:...>` matches 1 to 2**31-1 only, so /challenges/2147483648 is a 404 (not a database overflow).

    The bound is in the pattern, not only in to_python: a path that matches no rule is a 404 for every method,
    whereas a value refused after matching would turn a wrong-method request into a 405.
    """

    regex = decimal_range_pattern(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class StrictJSONProvider(DefaultJSONProvider):
    """The last guard: inputs refuse Inf and NaN, and if one is ever stored, answering 500 beats sending
    `Infinity`, which no JSON parser accepts."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def refuse_control_characters_in_query() -> None:
    """A query string has no field to show an error beside, and no page needs a NUL or an escape in one (tab and
    newline pass, as pasted into a search box): 400, before any view hands the value to a search (PostgreSQL
    refuses NUL in any text parameter)."""
    if request.path.startswith(API_PREFIX):
        return
    for name, value in request.args.items(multi=True):
        if has_control_characters(name) or has_control_characters(value):
            abort(400, description="The address contains control characters. Check the link and try again.")


def register(app: Flask) -> None:
    # Before any blueprint: rules look their converter up when they are added to the map.
    app.url_map.converters["int"] = BoundedIdConverter
    app.json = StrictJSONProvider(app)
    app.before_request(refuse_control_characters_in_query)
