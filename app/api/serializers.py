"""Model -> JSON shapes for the API (kept here, not on the models). Shapes match app.api.schemas."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import current_app, request

from app.models import ApiToken, Challenge, Match, Organisation, Solution, User
from app.services.pagination import Page
from app.services.recommendations.strength import strength_of

API_ROOT = "/api/v1"


def timestamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _links(noun: str, item_id: int) -> dict:
    base = current_app.config["BASE_URL"]  # never the request's Host header
    return {"self": f"{base}{API_ROOT}/{noun}/{item_id}", "html": f"{base}/{noun}/{item_id}"}


def organisation_ref(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name, "country": org.country, "verified": bool(org.verified)}


def challenge(item: Challenge) -> dict:
    return {
        "id": item.id, "title": item.title, "summary": item.summary, "problem_statement": item.problem_statement,
        "desired_outcomes": item.desired_outcomes or "", "sector": item.sector, "tags": list(item.tags or []),
        "trl_expected": item.trl_expected, "budget_min": item.budget_min, "budget_max": item.budget_max,
        "currency": item.currency, "location": item.location or "", "country": item.country,
        "deadline": timestamp(item.deadline), "status": item.status, "published_at": timestamp(item.published_at),
        "closed_at": timestamp(item.closed_at), "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at), "organisation": organisation_ref(item.organisation),
        "buyers": [organisation_ref(org) for org in item.buyers],  # joint challenges: lead first, then co-owners
        "links": _links("challenges", item.id),
    }


def solution(item: Solution) -> dict:
    return {
        "id": item.id, "title": item.title, "summary": item.summary, "description": item.description,
        "sectors": item.sectors, "tags": list(item.tags or []), "trl": item.trl,
        "pricing_model": item.pricing_model, "deployed_in": item.deployed_in or "", "website": item.website or "",
        "country": item.country, "status": item.status, "published_at": timestamp(item.published_at),
        "created_at": timestamp(item.created_at), "updated_at": timestamp(item.updated_at),
        "organisation": organisation_ref(item.organisation), "links": _links("solutions", item.id),
    }


def organisation(org: Organisation) -> dict:
    return {
        "id": org.id, "name": org.name, "side": org.side, "kind": org.kind, "country": org.country,
        "city": org.city or "", "size": org.size or "", "website": org.website or "",
        "description": org.description or "", "verified": bool(org.verified), "created_at": timestamp(org.created_at),
        "links": _links("organisations", org.id),
    }


def item_ref(item: Challenge | Solution) -> dict:
    noun = "challenges" if isinstance(item, Challenge) else "solutions"
    return {"id": item.id, "title": item.title, "status": item.status, "links": _links(noun, item.id)}


def organisation_profile(org: Organisation, own_challenges: list, own_solutions: list) -> dict:
    return {**organisation(org), "challenges": [item_ref(c) for c in own_challenges],
            "solutions": [item_ref(s) for s in own_solutions]}


def match(row: Match, verdict: str | None, side: str) -> dict:
    """A stored pair as the owner of its ``side`` ("challenge" or "solution") sees it: the raw
    ``score`` and, apart, the calibrated ``strength`` and its ``band`` that pages and e-mails show."""
    shown = strength_of(min(1.0, max(0.0, float(row.score))))
    return {
        "challenge": item_ref(row.challenge), "solution": item_ref(row.solution),
        "score": min(1.0, max(0.0, float(row.score))), "strength": shown.probability, "band": shown.band,
        "rank_for_challenge": row.rank_for_challenge,
        "rank_for_solution": row.rank_for_solution,
        "reasons": [{"kind": str(r.get("kind", "")), "text": str(r.get("text", ""))}
                    for r in row.reasons_seen_by(side)],
        "model_version": row.model_version, "feedback": verdict,
    }


def token(item: ApiToken) -> dict:
    return {
        "id": item.id, "name": item.name, "prefix": item.prefix, "active": item.is_active,
        "created_at": timestamp(item.created_at), "last_used_at": timestamp(item.last_used_at),
        "revoked_at": timestamp(item.revoked_at), "expires_at": timestamp(item.expires_at),
    }


def me(user: User, api_token: ApiToken) -> dict:
    return {
        "user": {"id": user.id, "name": user.name, "email": user.email},
        "organisation": organisation(user.organisation) if user.organisation else None,
        "token": token(api_token),
    }


def page(result: Page, items: list[dict]) -> dict:
    """A page envelope with navigation links that keep the caller's filters."""
    last = result.pages
    return {
        "items": items, "page": result.page, "per_page": result.per_page, "total": result.total, "pages": last,
        "links": {
            "self": _page_url(result.page), "first": _page_url(1), "last": _page_url(last),
            "prev": _page_url(result.page - 1) if result.has_prev else None,
            "next": _page_url(result.page + 1) if result.has_next else None,
        },
    }


def _page_url(number: int) -> str:
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    return f"{request.path}?{urlencode([*args, ('page', number)])}"
