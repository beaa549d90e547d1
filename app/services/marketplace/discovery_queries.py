"""Public lists of challenges and solutions: filters, ranked keyword search, sorting, pages."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.models import Challenge, ChallengeParty, Organisation, Solution, SolutionSector
from app.services.marketplace import text_search
from app.services.marketplace.challenges import PUBLIC_STATUSES
from app.services.pagination import Page, paginate

SORTS = ("relevance", "newest", "deadline")
PER_PAGE = 20


@dataclass
class ChallengeQuery:
    q: str = ""
    sector: str = ""
    country: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    status: str = "open"  # open | closed | any (public statuses only)
    deadline_ahead: bool = False
    buyer: str = ""  # part of a buyer's name: challenges it leads or co-owns
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class SolutionQuery:
    q: str = ""
    sector: str = ""
    country: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE


def search_challenges(session: Session, query: ChallengeQuery) -> Page[Challenge]:
    """Public challenges matching the query, ranked; drafts are never listed."""
    statuses = {"open": ("open",), "closed": ("closed",)}.get(
        query.status, PUBLIC_STATUSES if query.status == "any" else (query.status,))
    # Every card names its organisation: load them in one query, not one per card.
    statement = (select(Challenge).options(selectinload(Challenge.organisation))
                 .where(Challenge.status.in_(statuses), Challenge.hidden_at.is_(None)))
    statement = _common_filters(statement, Challenge, query, Challenge.trl_expected)
    if query.sector:
        statement = statement.where(Challenge.sector == query.sector)
    if query.deadline_ahead:
        statement = statement.where(Challenge.deadline > utcnow())
    if query.buyer.strip():
        statement = statement.where(_bought_by(query.buyer.strip()))
    orders = {"newest": Challenge.published_at.desc(), "deadline": Challenge.deadline.asc()}
    statement = _ranked(session, statement, Challenge, "challenges", query, orders)
    return paginate(session, statement, query.page, query.per_page)


def _bought_by(name: str):
    """SQL condition: a buyer whose name contains ``name`` (any case) leads or co-owns the challenge."""
    pattern = "%" + name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    orgs = select(Organisation.id).where(func.lower(Organisation.name).like(pattern, escape="\\"))
    co_owned = select(ChallengeParty.challenge_id).where(
        ChallengeParty.organisation_id.in_(orgs), ChallengeParty.role == "co_owner",
        ChallengeParty.status == "accepted")
    return Challenge.organisation_id.in_(orgs) | Challenge.id.in_(co_owned)


def search_solutions(session: Session, query: SolutionQuery) -> Page[Solution]:
    """Published solutions matching the query, ranked."""
    statement = (select(Solution).options(selectinload(Solution.organisation))
                 .where(Solution.status == "published", Solution.hidden_at.is_(None)))
    statement = _common_filters(statement, Solution, query, Solution.trl)
    if query.sector:
        sector_ids = select(SolutionSector.solution_id).where(SolutionSector.sector == query.sector)
        statement = statement.where(Solution.id.in_(sector_ids))
    orders = {"newest": Solution.published_at.desc(), "deadline": Solution.published_at.desc()}
    statement = _ranked(session, statement, Solution, "solutions", query, orders)
    return paginate(session, statement, query.page, query.per_page)


def _common_filters(statement: Select, model, query, trl_column) -> Select:
    if query.country:
        statement = statement.where(model.country == query.country)
    if query.trl_min is not None:
        statement = statement.where(trl_column >= query.trl_min)
    if query.trl_max is not None:
        statement = statement.where(trl_column <= query.trl_max)
    return statement


def _ranked(session: Session, statement: Select, model, table_name: str, query, orders: dict) -> Select:
    """Join the text ranking when there is a query; sort by relevance, newest or deadline; ties by id."""
    hits = text_search.ranked_ids(session, table_name, query.q)
    if hits is None:
        order = orders.get(query.sort, orders["newest"])
        return statement.order_by(order, model.id.desc())
    hits = hits.subquery()
    statement = statement.join(hits, hits.c.id == model.id)
    if query.sort in orders:
        return statement.order_by(orders[query.sort], model.id.desc())
    return statement.order_by(hits.c.score.desc(), model.id.desc())
