"""/api/v1/solutions: public search and detail; create, edit, publish and archive your own."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.auth import require_caller, viewer_org_id
from app.api.registry import api_route, ok
from app.db import get_session
from app.services.marketplace import discovery_queries as discovery
from app.services.marketplace import solutions
from app.web.query_args import solution_query_from_args

TAG = "Solutions"
_EMPTY = {"title": "", "summary": "", "description": "", "sectors": [], "trl": None, "pricing_model": "",
          "tags": [], "deployed_in": "", "website": ""}


@api_route("GET", "/solutions", summary="Search published solutions", tag=TAG, auth="optional",
           query=schemas.SOLUTION_SEARCH, response=schemas.page_of(schemas.SOLUTION, "SolutionPage"),
           description="The same filters and ranked keyword search as the /solutions page.")
def list_solutions(query: dict):
    search = solution_query_from_args({name: str(value) for name, value in query.items() if name != "per_page"})
    search.per_page = query["per_page"]
    result = discovery.search_solutions(get_session(), search)
    return ok(out.page(result, [out.solution(item) for item in result.items]))


@api_route("GET", "/solutions/{solution_id}", summary="One solution", tag=TAG, auth="optional",
           response=schemas.SOLUTION, description="Drafts and archived solutions are visible to their owners only.")
def get_solution(solution_id: int):
    return ok(out.solution(solutions.view_solution(get_session(), solution_id, viewer_org_id())))


@api_route("POST", "/solutions", summary="Create a draft solution", tag=TAG, auth="required",
           body=schemas.SOLUTION_CREATE, status=201, response=schemas.SOLUTION, errors=(403, 422),
           description="For members of an innovating organisation. Publish it with POST .../status.")
def create_solution(body: dict):
    data = solutions.SolutionData(**{**_EMPTY, **body})
    return ok(out.solution(solutions.create_solution(get_session(), require_caller().user_id, data)), 201)


@api_route("PATCH", "/solutions/{solution_id}", summary="Edit your solution", tag=TAG, auth="required",
           body=schemas.SOLUTION_UPDATE, response=schemas.SOLUTION, errors=(403, 409, 422),
           description="Send only the fields to change; the others keep their values.")
def update_solution(solution_id: int, body: dict):
    db, actor = get_session(), require_caller().user_id
    current = solutions.owned_solution(db, actor, solution_id)
    values = {name: getattr(current, name) for name in _EMPTY}
    values["tags"], values["sectors"] = list(values["tags"] or []), list(values["sectors"])
    data = solutions.SolutionData(**{**values, **body})
    return ok(out.solution(solutions.update_solution(db, actor, solution_id, data)))


@api_route("POST", "/solutions/{solution_id}/status", summary="Publish or archive your solution", tag=TAG,
           auth="required", body=schemas.SOLUTION_STATUS, response=schemas.SOLUTION, errors=(403, 409, 422),
           description="Allowed moves: draft -> published -> archived -> published (else 409).")
def change_solution_status(solution_id: int, body: dict):
    item = solutions.change_status(get_session(), require_caller().user_id, solution_id, body["status"])
    return ok(out.solution(item))
