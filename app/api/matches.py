"""/api/v1 matches: ranked recommendations with reasons for your own items, and your feedback on them."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.auth import require_caller
from app.api.registry import api_route, ok
from app.db import get_session
from app.services.pagination import Page
from app.services.recommendations import match_queries as match_lists

TAG = "Matches"
MATCH_PAGE = schemas.page_of(schemas.MATCH, "MatchPage")


def _filters(query: dict) -> match_lists.MatchFilters:
    return match_lists.MatchFilters(min_score=query["min_score"], min_band="weak", sector=query.get("sector", ""),
                                    trl_min=query.get("trl_min"), page=query["page"], per_page=query["per_page"])


def _page(result: Page) -> dict:
    org_id = require_caller().organisation_id
    pairs = [(row.challenge_id, row.solution_id) for row in result.items]
    verdicts = match_lists.verdicts(get_session(), org_id, pairs) if org_id else {}
    items = [out.match(row, verdicts.get((row.challenge_id, row.solution_id)),
                       "challenge" if row.challenge.organisation_id == org_id else "solution")
             for row in result.items]
    return out.page(result, items)


@api_route("GET", "/matches", summary="All matches of your organisation", tag=TAG, auth="required",
           query=schemas.MATCH_FILTERS, response=MATCH_PAGE, errors=(403,),
           description="Best first. Pairs you hid are left out; `feedback` shows your verdict.")
def list_my_matches(query: dict):
    result = match_lists.for_organisation(get_session(), require_caller().user_id, _filters(query))
    return ok(_page(result))


@api_route("GET", "/challenges/{challenge_id}/matches", summary="Ranked solutions for your challenge",
           tag=TAG, auth="required", query=schemas.MATCH_FILTERS, response=MATCH_PAGE, errors=(403,))
def list_challenge_matches(challenge_id: int, query: dict):
    result = match_lists.for_challenge(get_session(), require_caller().user_id, challenge_id, _filters(query))
    return ok(_page(result))


@api_route("GET", "/solutions/{solution_id}/matches", summary="Ranked open challenges for your solution",
           tag=TAG, auth="required", query=schemas.MATCH_FILTERS, response=MATCH_PAGE, errors=(403,))
def list_solution_matches(solution_id: int, query: dict):
    result = match_lists.for_solution(get_session(), require_caller().user_id, solution_id, _filters(query))
    return ok(_page(result))


@api_route("POST", "/matches/feedback", summary="Mark a match relevant, not relevant or hidden", tag=TAG,
           auth="required", body=schemas.FEEDBACK, response=schemas.FEEDBACK, errors=(403, 404, 422),
           description="Only for pairs that involve one of your own items; hidden pairs never come back.")
def record_match_feedback(body: dict):
    match_lists.record_feedback(get_session(), require_caller().user_id, body["challenge_id"],
                                body["solution_id"], body["verdict"])
    return ok({name: body[name] for name in ("challenge_id", "solution_id", "verdict")})
