"""The public JSON shape of a pilot purchase and its filters (no personal data, no internal notes)."""
from __future__ import annotations

from app.api import schemas as s
from app.api.serializers import item_ref, organisation_ref, timestamp
from app.models import Pilot
from app.services.procurement.pilot_records import OUTCOMES
from app.services.procurement.pilots import STATUSES

DATE = {"type": "string", "format": "date"}
NUMBER = {"type": "number"}

PILOT = s.obj({
    "id": s.ID, "title": {"type": "string"}, "description": {"type": "string"}, "site": {"type": "string"},
    "contract_value": {"type": "integer"}, "currency": {"type": "string"}, "start_date": DATE, "end_date": DATE,
    "status": {"type": "string", "enum": list(STATUSES)},
    "outcome": {"type": ["string", "null"], "enum": [*OUTCOMES, None]},
    "rating": {"type": ["integer", "null"]}, "lessons_learned": {"type": "string"},
    "follow_on_purchase": {"type": "boolean"}, "follow_on_value": {"type": ["integer", "null"]},
    "total_spend": {"type": "integer"}, "awarded_at": s.TIMESTAMP, "evaluated_at": s.nullable(s.TIMESTAMP),
    "challenge": s.ITEM_REF, "solution": s.ITEM_REF, "buyer": s.ORGANISATION_REF, "supplier": s.ORGANISATION_REF,
    "kpis": {"type": "array", "items": s.obj({
        "name": {"type": "string"}, "unit": {"type": "string"}, "baseline": NUMBER, "target": NUMBER,
        "measurements": {"type": "array", "items": s.obj({"measured_on": DATE, "value": NUMBER})},
    })},
    "milestones": {"type": "array", "items": s.obj({
        "title": {"type": "string"}, "due_date": DATE, "completed_on": {"type": ["string", "null"], "format": "date"},
    })},
}, title="Pilot")

PILOT_SEARCH = {
    "sector": s.param(s.SECTOR, "Sector of the pilot's challenge."),
    "country": s.param(s.COUNTRY, "Country of the buyer."),
    "status": s.param({"type": "string", "enum": list(STATUSES)}, "Pilot status."),
    "outcome": s.param({"type": "string", "enum": list(OUTCOMES)}, "Outcome of an evaluated pilot."),
    **s.PAGING,
}


def pilot(item: Pilot) -> dict:
    return {
        "id": item.id, "title": item.title, "description": item.description or "", "site": item.site,
        "contract_value": item.contract_value, "currency": item.currency,
        "start_date": item.start_date.isoformat(), "end_date": item.end_date.isoformat(), "status": item.status,
        "outcome": item.outcome, "rating": item.rating, "lessons_learned": item.lessons_learned or "",
        "follow_on_purchase": bool(item.follow_on_purchase), "follow_on_value": item.follow_on_value,
        "total_spend": item.total_spend, "awarded_at": timestamp(item.awarded_at),
        "evaluated_at": timestamp(item.evaluated_at), "challenge": item_ref(item.challenge),
        "solution": item_ref(item.solution), "buyer": organisation_ref(item.buyer),
        "supplier": organisation_ref(item.supplier),
        "kpis": [{"name": k.name, "unit": k.unit, "baseline": k.baseline, "target": k.target,
                  "measurements": [{"measured_on": m.measured_on.isoformat(), "value": m.value}
                                   for m in k.measurements]} for k in item.kpis],
        "milestones": [{"title": m.title, "due_date": m.due_date.isoformat(),
                        "completed_on": m.completed_on.isoformat() if m.completed_on else None}
                       for m in item.milestones],
    }
