"""/api/v1/pilots: the public register of pilot purchases (from app.services.transparency.pilot_register_queries)."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.auth import viewer_org_id
from app.api.pilot_shapes import PILOT, PILOT_SEARCH, pilot
from app.api.registry import api_route, ok
from app.db import get_session
from app.services.transparency import pilot_register_queries as pilot_register

TAG = "Pilots"


@api_route("GET", "/pilots", summary="Search public pilots", tag=TAG, auth="optional", query=PILOT_SEARCH,
           response=schemas.page_of(PILOT, "PilotPage"),
           description="The same filters as the /pilots register: sector, buyer country, status, outcome.")
def list_pilots(query: dict):
    result = pilot_register.search_pilots(get_session(), pilot_register.PilotQuery(
        sector=query.get("sector", ""), country=query.get("country", ""), status=query.get("status", ""),
        outcome=query.get("outcome", ""), page=query["page"], per_page=query["per_page"]))
    return ok(out.page(result, [pilot(item) for item in result.items]))


@api_route("GET", "/pilots/{pilot_id}", summary="One pilot", tag=TAG, auth="optional", response=PILOT,
           description="Public pilots; a private pilot only for its buyer.")
def get_pilot(pilot_id: int):
    return ok(pilot(pilot_register.view_pilot(get_session(), pilot_id, viewer_org_id())))
