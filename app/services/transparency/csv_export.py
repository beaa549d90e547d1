"""CSV exports of public challenges, applications and pilots (the same public subset as the OCDS export)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, Challenge, Pilot
from app.services.marketplace.challenges import publicly_listed
from app.services.transparency.ocds import ocid
from app.services.transparency.pilot_register_queries import public_pilots

CHALLENGE_COLUMNS = ["id", "ocid", "title", "buyer", "country", "sector", "status", "budget_min", "budget_max",
                     "currency", "published_at", "deadline", "url"]
APPLICATION_COLUMNS = ["id", "challenge_id", "ocid", "status", "submitted_at", "applicant", "solution",
                       "price_amount", "price_currency", "proposal_public"]
PILOT_COLUMNS = ["id", "challenge_id", "ocid", "title", "buyer", "buyer_country", "supplier", "solution", "sector",
                 "site", "status", "contract_value", "currency", "start_date", "end_date", "awarded_at",
                 "total_spend", "milestones", "milestones_met", "outcome", "rating", "follow_on_purchase",
                 "follow_on_value", "url"]
EXPORTS = ("challenges", "applications", "pilots")


def _csv(columns: list[str], rows: Iterable[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # Spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote.
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return buffer.getvalue()


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def _public_challenges(session: Session):
    statement = select(Challenge).where(publicly_listed()).order_by(Challenge.id)
    return session.scalars(statement)


def challenges_csv(session: Session, prefix: str, base_url: str) -> str:
    return _csv(CHALLENGE_COLUMNS, ({
        "id": c.id, "ocid": ocid(prefix, c), "title": c.title, "buyer": c.organisation.name, "country": c.country,
        "sector": c.sector, "status": c.status, "budget_min": c.budget_min, "budget_max": c.budget_max,
        "currency": c.currency, "published_at": c.published_at.isoformat() if c.published_at else "",
        "deadline": c.deadline.isoformat(), "url": f"{base_url}/challenges/{c.id}",
    } for c in _public_challenges(session)))


def applications_csv(session: Session, prefix: str, base_url: str) -> str:
    """Every application to a public challenge; who applied and at what price only where the applicant agreed."""
    statement = (select(Application).join(Challenge, Challenge.id == Application.challenge_id)
                 .where(publicly_listed(), Application.status != "withdrawn")
                 .order_by(Application.id))
    return _csv(APPLICATION_COLUMNS, (_application_row(a, prefix) for a in session.scalars(statement)))


def _application_row(application: Application, prefix: str) -> dict:
    public = application.proposal_public
    return {
        "id": application.id, "challenge_id": application.challenge_id, "ocid": ocid(prefix, application.challenge),
        "status": application.status, "submitted_at": application.created_at.date().isoformat(),
        "applicant": application.organisation.name if public else "",
        "solution": application.solution.title if public else "",
        "price_amount": application.price_amount if public else None,
        "price_currency": application.price_currency if public else "", "proposal_public": "yes" if public else "no",
    }


def pilots_csv(session: Session, prefix: str, base_url: str) -> str:
    pilots = session.scalars(public_pilots().order_by(Pilot.id))
    return _csv(PILOT_COLUMNS, (_pilot_row(p, prefix, base_url) for p in pilots))


def _pilot_row(pilot: Pilot, prefix: str, base_url: str) -> dict:
    return {
        "id": pilot.id, "challenge_id": pilot.challenge_id, "ocid": ocid(prefix, pilot.challenge), "title": pilot.title,
        "buyer": pilot.buyer.name, "buyer_country": pilot.buyer.country, "supplier": pilot.supplier.name,
        "solution": pilot.solution.title, "sector": pilot.challenge.sector, "site": pilot.site, "status": pilot.status,
        "contract_value": pilot.contract_value, "currency": pilot.currency, "start_date": pilot.start_date.isoformat(),
        "end_date": pilot.end_date.isoformat(), "awarded_at": pilot.awarded_at.isoformat(),
        "total_spend": pilot.total_spend, "milestones": len(pilot.milestones),
        "milestones_met": sum(1 for m in pilot.milestones if m.completed_on), "outcome": pilot.outcome,
        "rating": pilot.rating, "follow_on_purchase": "yes" if pilot.follow_on_purchase else "no",
        "follow_on_value": pilot.follow_on_value, "url": f"{base_url}/pilots/{pilot.id}",
    }


def export_csv(session: Session, name: str, prefix: str, base_url: str) -> str:
    """One of the CSV exports by name (challenges, applications, pilots)."""
    builders = {"challenges": challenges_csv, "applications": applications_csv, "pilots": pilots_csv}
    return builders[name](session, prefix, base_url)
