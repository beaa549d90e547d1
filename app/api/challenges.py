"""/api/v1/challenges: public search and detail; create, edit and change the status of your own."""
from __future__ import annotations

from dataclasses import asdict

from app.api import schemas
from app.api import serializers as out
from app.api.auth import require_caller, viewer_org_id
from app.api.registry import api_route, ok
from app.api.values import parse_timestamp
from app.db import get_session
from app.extensions import service_settings
from app.services.marketplace import challenges
from app.services.marketplace import discovery_queries as discovery
from app.web.query_args import challenge_query_from_args

TAG = "Challenges"


@api_route("GET", "/challenges", summary="Search public challenges", tag=TAG, auth="optional",
           query=schemas.CHALLENGE_SEARCH, response=schemas.page_of(schemas.CHALLENGE, "ChallengePage"),
           description="The same filters and ranked keyword search as the /challenges page.")
def list_challenges(query: dict):
    search = challenge_query_from_args(_as_args(query))
    search.per_page = query["per_page"]
    result = discovery.search_challenges(get_session(), search)
    return ok(out.page(result, [out.challenge(item) for item in result.items]))


def _as_args(query: dict) -> dict[str, str]:
    """Validated values back in the web's query-string form, so both share app.web.query_args' parsing."""
    args = {name: str(value) for name, value in query.items() if name not in ("deadline_ahead", "per_page")}
    if query.get("deadline_ahead"):
        args["deadline_ahead"] = "1"
    return args


@api_route("GET", "/challenges/{challenge_id}", summary="One challenge", tag=TAG, auth="optional",
           response=schemas.CHALLENGE, description="Drafts are visible to their own organisation only.")
def get_challenge(challenge_id: int):
    return ok(out.challenge(challenges.view_challenge(get_session(), challenge_id, viewer_org_id())))


@api_route("POST", "/challenges", summary="Create a draft challenge", tag=TAG, auth="required",
           body=schemas.CHALLENGE_CREATE, status=201, response=schemas.CHALLENGE, errors=(403, 422),
           description="For members of a buying organisation. Publish it with POST .../status.")
def create_challenge(body: dict):
    data = challenges.ChallengeData(**_values(body, defaults={}))
    item = challenges.create_challenge(get_session(), require_caller().user_id, data)
    return ok(out.challenge(item), 201)


@api_route("PATCH", "/challenges/{challenge_id}", summary="Edit your challenge", tag=TAG, auth="required",
           body=schemas.CHALLENGE_UPDATE, response=schemas.CHALLENGE, errors=(403, 409, 422),
           description="Send only the fields to change; the others keep their values.")
def update_challenge(challenge_id: int, body: dict):
    db, actor = get_session(), require_caller().user_id
    current = challenges.owned_challenge(db, actor, challenge_id)
    data = challenges.ChallengeData(**_values(body, defaults=_current(current)))
    return ok(out.challenge(challenges.update_challenge(db, actor, challenge_id, data)))


@api_route("POST", "/challenges/{challenge_id}/status", summary="Publish, close or cancel your challenge",
           tag=TAG, auth="required", body=schemas.CHALLENGE_STATUS, response=schemas.CHALLENGE,
           errors=(403, 409, 422), description="Only the moves of the challenge lifecycle are allowed (else 409).")
def change_challenge_status(challenge_id: int, body: dict):
    item = challenges.change_status(get_session(), require_caller().user_id, challenge_id, body["status"],
                                  settings=service_settings())
    return ok(out.challenge(item))


def _current(item) -> dict:
    fields = challenges.ChallengeData.__dataclass_fields__
    return {name: getattr(item, name) for name in fields}


def _values(body: dict, defaults: dict) -> dict:
    values = {**asdict(challenges.ChallengeData(title="", summary="", problem_statement="", sector="",
                                                trl_expected=None, deadline=None, country="")), **defaults}
    values.update({name: value for name, value in body.items() if name != "deadline"})
    if "deadline" in body:
        values["deadline"] = parse_timestamp(body["deadline"], "deadline")
    values["tags"] = list(values.get("tags") or [])
    return values
