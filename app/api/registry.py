"""The API's routes in one registry: each endpoint declares its inputs and outputs once.

The declarations validate requests (app.api.inputs), build the OpenAPI document (app.api.openapi)
and, under TESTING, check every response against its documented schema, so the three cannot drift.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, current_app, g, jsonify
from flask.wrappers import Response
from jsonschema import Draft202012Validator

from app.api.auth import load_caller, require_caller
from app.api.errors import ApiError, register_blueprint_handlers
from app.api.inputs import parse_body, parse_query

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register_blueprint_handlers(bp)
ID_RULE = "<int:\\1>"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on every engine


@dataclass
class Operation:
    method: str
    path: str  # OpenAPI form, e.g. /challenges/{challenge_id}; every path parameter is a positive id
    operation_id: str
    summary: str
    tag: str
    auth: str = "public"  # public | optional | required
    query: dict[str, dict] = field(default_factory=dict)  # name -> {"schema": ..., "description": ...}
    body: dict | None = None
    status: int = 200
    response: dict | None = None  # schema of the success body; None for 204
    errors: tuple[int, ...] = ()
    description: str = ""

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    @property
    def error_statuses(self) -> list[int]:
        statuses = set(self.errors) | {400, 429}
        if self.body is not None:
            statuses.add(415)
        if self.auth != "public":
            statuses.add(401)
        if self.path_parameters:
            statuses.add(404)
        return sorted(statuses)


OPERATIONS: list[Operation] = []


def api_route(method: str, path: str, **spec) -> Callable:
    """Register ``view`` under ``path`` and describe it; the view gets path ids, ``query`` and ``body``."""

    def decorator(view: Callable) -> Callable:
        operation = Operation(method=method, path=path, operation_id=view.__name__, **spec)
        if any(existing.operation_id == operation.operation_id for existing in OPERATIONS):
            raise RuntimeError(f"duplicate API operation {operation.operation_id}")
        OPERATIONS.append(operation)
        rule = re.sub(r"\{(\w+)\}", ID_RULE, path)
        bp.add_url_rule(rule, endpoint=operation.operation_id, view_func=_handler(operation, view),
                        methods=[method])
        return view

    return decorator


def _handler(operation: Operation, view: Callable) -> Callable:
    def handle(**path_ids):
        if any(not 1 <= value <= MAX_ID for value in path_ids.values()):
            # Checked here rather than in the URL converter, so the answer is 404 for every method.
            raise ApiError(404, "not_found", "No such object.")
        g.api_caller = load_caller()
        if operation.auth == "required":
            require_caller()
        kwargs = dict(path_ids)
        query = parse_query(operation.query)  # also refuses parameters the operation does not take
        if operation.query:
            kwargs["query"] = query
        if operation.body is not None:
            kwargs["body"] = parse_body(operation.body)
        response = view(**kwargs)
        if current_app.config.get("API_VALIDATE_RESPONSES", current_app.testing):
            _check_response(operation, response)
        return response

    handle.__name__ = operation.operation_id
    return handle


def ok(data: dict, status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    return response


def no_content() -> Response:
    return Response(status=204)


def _check_response(operation: Operation, response: Response) -> None:
    """Testing aid: a success body that breaks its documented schema is a bug, so fail loudly."""
    if response.status_code != operation.status or operation.response is None:
        return
    Draft202012Validator(operation.response).validate(response.get_json())
