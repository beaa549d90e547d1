"""The public pilots register: search with filters, public pilot pages, evidence shown on solution pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import Challenge, Organisation, Pilot
from app.services.errors import NotFound
from app.services.marketplace import challenge_access as access
from app.services.marketplace.challenges import PUBLIC_STATUSES, publicly_listed
from app.services.pagination import Page, paginate
from app.services.procurement.pilot_records import OUTCOMES
from app.services.procurement.pilots import STATUSES


@dataclass
class PilotQuery:
    sector: str = ""
    country: str = ""
    status: str = ""
    outcome: str = ""
    page: int = 1
    per_page: int = 20


@dataclass
class Evidence:
    pilots: list[Pilot] = field(default_factory=list)
    cities: int = 0
    adopted_by: int = 0
    average_rating: float | None = None


def public_pilots() -> Select:
    """Pilots anyone may see: marked public, on a challenge that is itself public (and not hidden)."""
    return (select(Pilot).join(Challenge, Challenge.id == Pilot.challenge_id)
            .where(Pilot.is_public.is_(True), publicly_listed()))


def search_pilots(session: Session, query: PilotQuery) -> Page[Pilot]:
    """Public pilots, newest award first, filtered by challenge sector, buyer country, status and outcome."""
    statement = public_pilots()
    if query.sector:
        statement = statement.where(Challenge.sector == query.sector)
    if query.country:
        statement = statement.join(Organisation, Organisation.id == Pilot.buyer_id).where(
            Organisation.country == query.country)
    if query.status in STATUSES:
        statement = statement.where(Pilot.status == query.status)
    if query.outcome in OUTCOMES:
        statement = statement.where(Pilot.outcome == query.outcome)
    statement = statement.order_by(Pilot.awarded_at.desc(), Pilot.id.desc())
    return paginate(session, statement, query.page, query.per_page)


def view_pilot(session: Session, pilot_id: int, viewer_org_id: int | None) -> Pilot:
    """A public pilot, or a private one for its challenge's buyers and observers; NotFound otherwise."""
    pilot = session.get(Pilot, pilot_id)
    if pilot is None:
        raise NotFound("No such pilot.")
    if access.may(session, pilot.challenge, viewer_org_id, access.READ):
        return pilot
    if not pilot.is_public or pilot.challenge.status not in PUBLIC_STATUSES or pilot.challenge.hidden_at is not None:
        raise NotFound("No such pilot.")
    return pilot


def evidence_for_solution(session: Session, solution_id: int) -> Evidence:
    """'Piloted in 3 cities, adopted by 2, average rating 4.3' with the public pilots behind it."""
    statement = public_pilots().where(Pilot.solution_id == solution_id, Pilot.status != "cancelled")
    pilots = list(session.scalars(statement.order_by(Pilot.start_date.desc(), Pilot.id.desc())))
    ratings = [p.rating for p in pilots if p.rating is not None]
    return Evidence(
        pilots=pilots,
        cities=len({p.buyer_id for p in pilots}),
        adopted_by=len({p.buyer_id for p in pilots if p.outcome == "adopted"}),
        average_rating=round(sum(ratings) / len(ratings), 1) if ratings else None,
    )


def pilots_of_buyer(session: Session, organisation_id: int) -> list[Pilot]:
    """Every pilot (public or not) of a buying organisation, for its own dashboard."""
    statement = select(Pilot).where(Pilot.buyer_id == organisation_id)
    return list(session.scalars(statement.order_by(Pilot.awarded_at.desc(), Pilot.id.desc())))


def pilots_of_challenge(session: Session, challenge_id: int, viewer_org_id: int | None) -> list[Pilot]:
    statement = select(Pilot).where(Pilot.challenge_id == challenge_id).order_by(Pilot.id)
    found = list(session.scalars(statement))
    if found and access.may(session, found[0].challenge, viewer_org_id, access.READ):
        return found
    return [p for p in found if p.is_public]
