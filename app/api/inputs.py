"""Validate query strings and JSON bodies against the same JSON Schemas the OpenAPI document publishes."""
from __future__ import annotations

import json
import math
from typing import Any

from flask import request
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from app.api.errors import ApiError
from app.security import input_rules

_FORMATS = FormatChecker()


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=_FORMATS)


def parse_body(schema: dict) -> dict:
    """The request's JSON object, validated; 415 for another media type, 400 naming the field otherwise."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send a JSON body with 'Content-Type: application/json'.")
    data = _load_json(request.get_data(cache=True))
    _check_values(data, "")
    error = _first_error(schema, data)
    if error is not None:
        raise ApiError(400, "invalid_input", _message(error), _field(error))
    return data


def _first_error(schema: dict, data: Any) -> ValidationError | None:
    """A problem inside a given field first (more useful than 'x is required'), then the rest."""
    errors = list(_validator(schema).iter_errors(data))
    in_fields = [error for error in errors if error.absolute_path]
    return best_match(in_fields or errors)


def _load_json(raw: bytes) -> Any:
    """Parsed JSON; 400 for bad syntax, nesting deeper than the API ever needs, and NaN or Infinity tokens."""
    try:
        text = raw.decode("utf-8")
        if input_rules.json_depth_exceeds(text):
            raise ApiError(400, "invalid_json", f"The body nests deeper than {input_rules.MAX_JSON_DEPTH} levels.")
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from exc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _check_values(value: Any, path: str) -> None:
    """Refuse what cannot be stored or misleads (lone surrogates, control characters) and numbers that overflow
    to Infinity (1e400), naming the field; the depth was bounded before parsing, so this recursion is too."""
    field = path or None
    if isinstance(value, str):
        problem = input_rules.text_problem(value)
        if problem:
            raise ApiError(400, "invalid_text", problem, field)
    elif isinstance(value, float) and input_rules.number_problem(value):
        raise ApiError(400, "invalid_input", input_rules.NOT_FINITE_MESSAGE, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, path)
            _check_values(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, f"{path}.{index}" if path else str(index))


def _field(error: ValidationError) -> str | None:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        path.append(missing[0] if missing else "")
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(name for name in error.instance if name not in allowed)
        path.append(extra[0] if extra else "")
    return ".".join(part for part in path if part) or None


def _message(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return "Unknown field: only the documented fields are accepted."
    if error.validator == "pattern":
        return "Text may not contain NUL characters."
    return error.message[:300]


def parse_query(parameters: dict[str, dict]) -> dict[str, Any]:
    """Validated query-string values by name (defaults filled in); 400 naming the parameter otherwise."""
    unknown = sorted(set(request.args) - set(parameters))
    if unknown:
        raise ApiError(400, "invalid_parameter", f"Unknown parameter '{unknown[0][:50]}'.", unknown[0][:50])
    values: dict[str, Any] = {}
    for name, spec in parameters.items():
        schema = spec["schema"]
        raw = request.args.getlist(name)
        if not raw:
            if "default" in schema:
                values[name] = schema["default"]
            continue
        if len(raw) > 1:
            raise ApiError(400, "invalid_parameter", f"Give '{name}' only once.", name)
        problem = input_rules.text_problem(raw[0])
        if problem:
            raise ApiError(400, "invalid_parameter", f"'{name}': {problem}", name)
        value = _coerce(raw[0], schema, name)
        error = best_match(_validator(schema).iter_errors(value))
        if error is not None:
            raise ApiError(400, "invalid_parameter", f"'{name}': {_message(error)}", name)
        values[name] = value
    return values


def _coerce(raw: str, schema: dict, name: str) -> Any:
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError(raw)
            return number
    except ValueError as exc:
        noun = "an integer" if kind == "integer" else "a number"
        raise ApiError(400, "invalid_parameter", f"'{name}' must be {noun}.", name) from exc
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ApiError(400, "invalid_parameter", f"'{name}' must be true or false.", name)
        return raw == "true"
    return raw
