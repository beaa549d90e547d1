"""The OpenAPI 3.1 document, built from the route registry, and the route that serves it."""
from __future__ import annotations

from functools import cache

from flask import current_app

from app.api import schemas
from app.api.registry import OPERATIONS, Operation, api_route, ok

TITLE = "CiviMatch API"
VERSION = "1.0.0"
ERROR_TEXT = {
    400: "Bad input: the body or a parameter breaks the schema (see `field`).",
    401: "Missing, unknown or revoked API token.",
    403: "Not allowed for your organisation.",
    404: "No such object, or not visible to you.",
    409: "Not possible in the object's current state.",
    415: "The body is not JSON.",
    422: "The input breaks a rule (see `field` and `errors`).",
    429: "Too many requests: wait for `Retry-After` seconds.",
}
DESCRIPTION = (
    "Read challenges, solutions, organisations and public pilots; with a personal API token, manage your own "
    "challenges and solutions, read your matches with their reasons and give feedback. Create tokens on your "
    "account page and send them as `Authorization: Bearer <token>`. Errors are JSON: "
    "`{\"status\", \"code\", \"message\", \"field\"}`."
)


def build_document(base_url: str = "") -> dict:
    """The whole document; every path, parameter and schema comes from the registered operations."""
    paths: dict[str, dict] = {}
    for operation in sorted(OPERATIONS, key=lambda op: (op.path, op.method)):
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION,
                 "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}},
        "servers": [{"url": f"{base_url}/api/v1"}],
        "tags": [{"name": name} for name in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "cm_<token>"}},
            "schemas": {"Error": schemas.ERROR},
        },
    }


@cache
def _error_response(status: int) -> dict:
    return {"description": ERROR_TEXT.get(status, "Error."),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _operation(operation: Operation) -> dict:
    spec: dict = {
        "operationId": operation.operation_id, "summary": operation.summary, "tags": [operation.tag],
        "parameters": _parameters(operation), "responses": _responses(operation),
    }
    if operation.description:
        spec["description"] = operation.description
    if operation.body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": operation.body}}}
    security = {"public": [], "optional": [{}, {"bearerAuth": []}], "required": [{"bearerAuth": []}]}
    spec["security"] = security[operation.auth]
    return spec


def _parameters(operation: Operation) -> list[dict]:
    found = [{"name": name, "in": "path", "required": True, "schema": schemas.ID, "description": "Id."}
             for name in operation.path_parameters]
    found += [{"name": name, "in": "query", "required": False, "schema": spec["schema"],
               "description": spec["description"]} for name, spec in operation.query.items()]
    return found


def _responses(operation: Operation) -> dict:
    success: dict = {"description": "Success." if operation.status != 204 else "Done; no content."}
    if operation.response is not None:
        success["content"] = {"application/json": {"schema": operation.response}}
    responses = {str(operation.status): success}
    for status in operation.error_statuses:
        responses[str(status)] = _error_response(status)
    if 429 in operation.error_statuses:
        responses["429"] = {**_error_response(429), "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}}
    return responses


@api_route("GET", "/openapi.json", summary="This OpenAPI document", tag="Documentation",
           response={"type": "object"})
def get_openapi_document():
    return ok(build_document(current_app.config["BASE_URL"]))
