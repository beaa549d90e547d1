"""/api/v1/pipeline: the published pipeline of planned challenges (app.services.marketplace.pipeline)."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.registry import api_route, ok
from app.api.serializers import organisation_ref, timestamp
from app.db import get_session
from app.models import PipelineItem
from app.services.marketplace import pipeline

TAG = "Pipeline"
PIPELINE_ITEM = schemas.obj({
    "id": schemas.ID, "title": {"type": "string"}, "need": {"type": "string"}, "sector": schemas.SECTOR,
    "country": schemas.COUNTRY, "indicative_budget": {"type": ["integer", "null"]}, "currency": {"type": "string"},
    "expected_year": {"type": "integer"}, "expected_quarter": {"type": "integer", "minimum": 1, "maximum": 4},
    "label": {"type": "string"}, "buyer": schemas.ORGANISATION_REF, "published_at": schemas.TIMESTAMP,
}, title="PipelineItem")
PIPELINE_SEARCH = {
    "sector": schemas.param(schemas.SECTOR, "Sector of the planned challenge."),
    "country": schemas.param(schemas.COUNTRY, "Country of the planned challenge."),
    "year": schemas.param({"type": "integer", "minimum": 2000, "maximum": 2100}, "Expected year."),
    **schemas.PAGING,
}


def pipeline_item(item: PipelineItem) -> dict:
    return {
        "id": item.id, "title": item.title, "need": item.need, "sector": item.sector, "country": item.country,
        "indicative_budget": item.indicative_budget, "currency": item.currency,
        "expected_year": item.expected_year, "expected_quarter": item.expected_quarter,
        "label": f"planned, {item.quarter_label}", "buyer": organisation_ref(item.organisation),
        "published_at": timestamp(item.created_at),
    }


@api_route("GET", "/pipeline", summary="Search the pipeline of planned challenges", tag=TAG, auth="optional",
           query=PIPELINE_SEARCH, response=schemas.page_of(PIPELINE_ITEM, "PipelinePage"),
           description="Planned challenges whose quarter has not passed, soonest first; the filters of /pipeline.")
def list_pipeline(query: dict):
    result = pipeline.search(get_session(), pipeline.PipelineQuery(
        sector=query.get("sector", ""), country=query.get("country", ""), year=query.get("year"),
        page=query["page"], per_page=query["per_page"]))
    return ok(out.page(result, [pipeline_item(item) for item in result.items]))
