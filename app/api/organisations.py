"""/api/v1/organisations: the public directory and profiles (members also see their drafts)."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.auth import viewer_org_id
from app.api.registry import api_route, ok
from app.db import get_session
from app.services.accounts import organisations
from app.services.accounts.directory_queries import OrganisationQuery, search_organisations

TAG = "Organisations"


@api_route("GET", "/organisations", summary="List organisations", tag=TAG, auth="optional",
           query=schemas.ORGANISATION_SEARCH, response=schemas.page_of(schemas.ORGANISATION, "OrganisationPage"))
def list_organisations(query: dict):
    result = search_organisations(get_session(), OrganisationQuery(
        q=query.get("q", ""), side=query.get("side", ""), kind=query.get("kind", ""),
        country=query.get("country", ""), verified=query.get("verified"), page=query["page"],
        per_page=query["per_page"]))
    return ok(out.page(result, [out.organisation(org) for org in result.items]))


@api_route("GET", "/organisations/{organisation_id}", summary="One organisation with its challenges and solutions",
           tag=TAG, auth="optional", response=schemas.ORGANISATION_PROFILE,
           description="Lists public challenges and solutions; members calling with a token also see drafts.")
def get_organisation(organisation_id: int):
    profile = organisations.get_profile(get_session(), organisation_id, viewer_org_id())
    return ok(out.organisation_profile(profile.organisation, profile.challenges, profile.solutions))
