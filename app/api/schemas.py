"""JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses) for API requests and responses."""
from __future__ import annotations

from app.code_lists import COUNTRIES, CURRENCIES, ORG_KINDS, PRICING_MODELS, SECTORS
from app.services.accounts import api_tokens
from app.services.marketplace import challenges, solutions
from app.services.marketplace.content_rules import MAX_TAG_LENGTH, MAX_TAGS
from app.services.marketplace.discovery_queries import SORTS
from app.services.pagination import MAX_PER_PAGE

MAX_ID = 2**31 - 1
NO_NUL = "^[^\\x00]*$"  # PostgreSQL text cannot hold NUL characters
VERDICTS = ("relevant", "not_relevant", "hidden")
CHALLENGE_STATUSES = sorted(challenges.TRANSITIONS)
SOLUTION_STATUSES = sorted(solutions.TRANSITIONS)


def text(max_length: int, min_length: int = 0) -> dict:
    schema = {"type": "string", "maxLength": max_length, "pattern": NO_NUL}
    if min_length:
        schema["minLength"] = min_length
    return schema


def nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
TIMESTAMP = {"type": "string", "format": "date-time"}
TRL = {"type": "integer", "minimum": 1, "maximum": 9}
BUDGET = {"type": ["integer", "null"], "minimum": 0, "maximum": challenges.MAX_BUDGET}
TAGS = {"type": "array", "maxItems": MAX_TAGS, "items": text(MAX_TAG_LENGTH)}
SECTOR = {"type": "string", "enum": list(SECTORS)}
COUNTRY = {"type": "string", "enum": list(COUNTRIES)}


def obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    """A closed object: unknown fields are refused on input and never sent on output."""
    return {"type": "object", "properties": properties, "required": required if required is not None
            else list(properties), "additionalProperties": False, **extra}


ERROR = obj({
    "status": {"type": "integer", "minimum": 400, "maximum": 599},
    "code": {"type": "string"},
    "message": {"type": "string"},
    "field": {"type": ["string", "null"]},
    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
}, required=["status", "code", "message", "field"], title="Error")

LINKS = obj({"self": {"type": "string"}, "html": {"type": "string"}})
ORGANISATION_REF = obj({"id": ID, "name": {"type": "string"}, "country": {"type": "string"},
                        "verified": {"type": "boolean"}})

CHALLENGE = obj({
    "id": ID, "title": {"type": "string"}, "summary": {"type": "string"},
    "problem_statement": {"type": "string"}, "desired_outcomes": {"type": "string"},
    "sector": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
    "trl_expected": TRL, "budget_min": {"type": ["integer", "null"]}, "budget_max": {"type": ["integer", "null"]},
    "currency": {"type": "string"}, "location": {"type": "string"}, "country": {"type": "string"},
    "deadline": TIMESTAMP, "status": {"type": "string", "enum": CHALLENGE_STATUSES},
    "published_at": nullable(TIMESTAMP), "closed_at": nullable(TIMESTAMP),
    "created_at": TIMESTAMP, "updated_at": TIMESTAMP, "organisation": ORGANISATION_REF,
    "buyers": {"type": "array", "items": ORGANISATION_REF,
               "description": "Every buyer of a joint challenge, the lead (= organisation) first."},
    "links": LINKS,
}, title="Challenge")

SOLUTION = obj({
    "id": ID, "title": {"type": "string"}, "summary": {"type": "string"}, "description": {"type": "string"},
    "sectors": {"type": "array", "items": {"type": "string"}}, "tags": {"type": "array", "items": {"type": "string"}},
    "trl": TRL, "pricing_model": {"type": "string"}, "deployed_in": {"type": "string"},
    "website": {"type": "string"}, "country": {"type": "string"},
    "status": {"type": "string", "enum": SOLUTION_STATUSES}, "published_at": nullable(TIMESTAMP),
    "created_at": TIMESTAMP, "updated_at": TIMESTAMP, "organisation": ORGANISATION_REF, "links": LINKS,
}, title="Solution")

ITEM_REF = obj({"id": ID, "title": {"type": "string"}, "status": {"type": "string"}, "links": LINKS})

ORGANISATION = obj({
    "id": ID, "name": {"type": "string"}, "side": {"type": "string", "enum": ["buyer", "innovator"]},
    "kind": {"type": "string"}, "country": {"type": "string"}, "city": {"type": "string"},
    "size": {"type": "string"}, "website": {"type": "string"}, "description": {"type": "string"},
    "verified": {"type": "boolean"}, "created_at": TIMESTAMP, "links": LINKS,
}, title="Organisation")
ORGANISATION_PROFILE = obj({
    **ORGANISATION["properties"],
    "challenges": {"type": "array", "items": ITEM_REF},
    "solutions": {"type": "array", "items": ITEM_REF},
}, title="OrganisationProfile")

REASON = obj({"kind": {"type": "string"}, "text": {"type": "string"}})
MATCH = obj({
    "challenge": ITEM_REF, "solution": ITEM_REF, "score": {"type": "number", "minimum": 0, "maximum": 1},
    "strength": {"type": "number", "minimum": 0, "maximum": 1,
                 "description": "Calibrated probability that the pair is relevant (the raw score is not one)."},
    "band": {"type": "string", "enum": ["strong", "good", "possible", "weak"]},
    "rank_for_challenge": {"type": ["integer", "null"]}, "rank_for_solution": {"type": ["integer", "null"]},
    "reasons": {"type": "array", "items": REASON}, "model_version": {"type": "string"},
    "feedback": {"type": ["string", "null"], "enum": [*VERDICTS, None]},
}, title="Match")

TOKEN = obj({
    "id": ID, "name": {"type": "string"}, "prefix": {"type": "string"}, "active": {"type": "boolean"},
    "created_at": TIMESTAMP, "last_used_at": nullable(TIMESTAMP), "revoked_at": nullable(TIMESTAMP),
    "expires_at": nullable(TIMESTAMP),
}, title="ApiToken")
ME = obj({
    "user": obj({"id": ID, "name": {"type": "string"}, "email": {"type": "string"}}),
    "organisation": {"anyOf": [ORGANISATION, {"type": "null"}]},
    "token": TOKEN,
}, title="Me")


def page_of(item: dict, title: str) -> dict:
    page_links = obj({"self": {"type": "string"}, "first": {"type": "string"}, "last": {"type": "string"},
                      "prev": {"type": ["string", "null"]}, "next": {"type": ["string", "null"]}})
    return obj({
        "items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 1}, "links": page_links,
    }, title=title)


# --- request bodies ---------------------------------------------------------------------------------
_CHALLENGE_FIELDS = {
    "title": text(200, 1), "summary": text(500, 1), "problem_statement": text(10000, 1),
    "desired_outcomes": text(5000), "sector": SECTOR, "tags": TAGS, "trl_expected": TRL,
    "budget_min": BUDGET, "budget_max": BUDGET, "currency": {"type": "string", "enum": list(CURRENCIES)},
    "location": text(200), "country": COUNTRY, "deadline": TIMESTAMP,
}
CHALLENGE_CREATE = obj(_CHALLENGE_FIELDS, required=["title", "summary", "problem_statement", "sector",
                                                    "trl_expected", "deadline", "country"], title="ChallengeCreate")
CHALLENGE_UPDATE = obj(_CHALLENGE_FIELDS, required=[], minProperties=1, title="ChallengeUpdate")
CHALLENGE_STATUS = obj({"status": {"type": "string", "enum": [s for s in CHALLENGE_STATUSES if s != "draft"]}},
                       title="ChallengeStatusChange")

_SOLUTION_FIELDS = {
    "title": text(200, 1), "summary": text(500, 1), "description": text(10000, 1),
    "sectors": {"type": "array", "items": SECTOR, "minItems": 1, "maxItems": solutions.MAX_SECTORS,
                "uniqueItems": True},
    "trl": TRL, "pricing_model": {"type": "string", "enum": list(PRICING_MODELS)}, "tags": TAGS,
    "deployed_in": text(500), "website": text(300),
}
SOLUTION_CREATE = obj(_SOLUTION_FIELDS, required=["title", "summary", "description", "sectors", "trl",
                                                  "pricing_model"], title="SolutionCreate")
SOLUTION_UPDATE = obj(_SOLUTION_FIELDS, required=[], minProperties=1, title="SolutionUpdate")
SOLUTION_STATUS = obj({"status": {"type": "string", "enum": [s for s in SOLUTION_STATUSES if s != "draft"]}},
                      title="SolutionStatusChange")

FEEDBACK = obj({"challenge_id": ID, "solution_id": ID, "verdict": {"type": "string", "enum": list(VERDICTS)}},
               title="MatchFeedback")

# --- query parameters -------------------------------------------------------------------------------


def param(schema: dict, description: str) -> dict:
    return {"schema": schema, "description": description}


PAGING = {
    "page": param({"type": "integer", "minimum": 1, "maximum": 10**6, "default": 1}, "Page number (from 1)."),
    "per_page": param({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
                      f"Items per page (at most {MAX_PER_PAGE})."),
}
_SEARCH = {
    "q": param(text(200), "Keywords: ranked full-text search over title, tags, summary and body."),
    "sector": param(SECTOR, "Sector code."),
    "country": param(COUNTRY, "ISO 3166-1 alpha-2 country code."),
    "trl_min": param(TRL, "Lowest technology readiness level."),
    "trl_max": param(TRL, "Highest technology readiness level."),
    "sort": param({"type": "string", "enum": list(SORTS), "default": "relevance"},
                  "Order: relevance (with q), newest, or deadline."),
}
CHALLENGE_SEARCH = {
    **_SEARCH,
    "status": param({"type": "string", "enum": ["any", *[s for s in challenges.PUBLIC_STATUSES]],
                     "default": "open"}, "Public status to list (default open)."),
    "deadline_ahead": param({"type": "boolean"}, "Only challenges whose deadline has not passed."),
    "buyer": param(text(200), "Part of a buyer's name: challenges it leads or co-owns."),
    **PAGING,
}
SOLUTION_SEARCH = {**_SEARCH, **PAGING}
ORGANISATION_SEARCH = {
    "q": param(text(200), "Part of the organisation's name."),
    "side": param({"type": "string", "enum": ["buyer", "innovator"]}, "Buyers or innovators."),
    "kind": param({"type": "string", "enum": list(ORG_KINDS)}, "Kind of organisation."),
    "country": param(COUNTRY, "ISO 3166-1 alpha-2 country code."),
    "verified": param({"type": "boolean"}, "Only verified (true) or unverified (false) organisations."),
    **PAGING,
}
MATCH_FILTERS = {
    "min_score": param({"type": "number", "minimum": 0, "maximum": 1, "default": 0}, "Lowest score (0 to 1)."),
    "sector": param(SECTOR, "Sector of the matched item."),
    "trl_min": param(TRL, "Lowest readiness level of the matched item."),
    **PAGING,
}
TOKEN_NAME_MAX = api_tokens.MAX_NAME_LENGTH
