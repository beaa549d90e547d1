"""The published pipeline (early demand map): planned challenges with a quarter, a budget and a need.

A buyer publishes what it plans to buy before the challenge is written; innovators see it on /pipeline, in the
API and beside their matches ("planned, Q3 2027"); one click turns it into a draft challenge.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.code_lists import COUNTRIES, CURRENCIES, SECTORS
from app.db import utcnow
from app.models import Challenge, Organisation, PipelineItem, Solution, SolutionSector, User
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.pagination import Page, paginate

STATUSES = ("planned", "drafted", "withdrawn")
MAX_TITLE, MAX_NEED, MAX_BUDGET = 200, 5000, 10**12
LAST_YEAR_AHEAD = 10  # a plan further out than this is a wish, not a pipeline
DRAFT_TRL = 5  # the buyer sets the real level when writing the challenge; the draft needs a value
MIN_DRAFT_DEADLINE = timedelta(days=30)


@dataclass
class PipelineData:
    title: str
    need: str
    sector: str
    country: str
    expected_year: int | None
    expected_quarter: int | None
    indicative_budget: int | None = None
    currency: str = "EUR"


@dataclass
class PipelineQuery:
    sector: str = ""
    country: str = ""
    year: int | None = None
    page: int = 1
    per_page: int = 20


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def validate(data: PipelineData, *, today: date | None = None) -> dict[str, str]:
    """Field errors; an empty dict means valid. The current quarter is allowed, an earlier one is not."""
    today = today or utcnow().date()
    checks = {
        "title": None if data.title.strip() and len(data.title.strip()) <= MAX_TITLE
        else f"Give a title ({MAX_TITLE} characters at most).",
        "need": None if data.need.strip() and len(data.need.strip()) <= MAX_NEED
        else f"Describe the need ({MAX_NEED} characters at most).",
        "sector": None if data.sector in SECTORS else "Choose a sector from the list.",
        "country": None if data.country in COUNTRIES else "Choose a country from the list.",
        "currency": None if data.currency in CURRENCIES else "Choose a currency from the list.",
        "indicative_budget": None if data.indicative_budget is None or 0 <= data.indicative_budget <= MAX_BUDGET
        else "The budget must be between 0 and 1,000,000,000,000.",
        "expected_quarter": _quarter_problem(data.expected_year, data.expected_quarter, today),
    }
    return {name: message for name, message in checks.items() if message}


def _quarter_problem(year: int | None, quarter: int | None, today: date) -> str | None:
    if year is None or quarter is None or quarter not in (1, 2, 3, 4):
        return "Give the expected year and quarter (1 to 4)."
    if (year, quarter) < quarter_of(today):
        return f"Q{quarter} {year} is in the past: give this quarter or a later one."
    if year > today.year + LAST_YEAR_AHEAD:
        return f"Give a quarter within {LAST_YEAR_AHEAD} years."
    return None


def _buyer_org(session: Session, actor_id: int) -> int:
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "buyer":
        raise Forbidden("Only members of a buying organisation can publish planned challenges.")
    return actor.organisation_id


def publish_item(session: Session, actor_id: int, data: PipelineData, *, today: date | None = None) -> PipelineItem:
    """Publish a planned challenge for the actor's buying organisation (visible to everyone at once)."""
    org_id = _buyer_org(session, actor_id)
    errors = validate(data, today=today)
    if errors:
        raise ValidationFailed(errors)
    item = PipelineItem(organisation_id=org_id, created_by_id=actor_id, title=data.title.strip(),
                        need=data.need.strip(), sector=data.sector, country=data.country,
                        expected_year=data.expected_year, expected_quarter=data.expected_quarter,
                        indicative_budget=data.indicative_budget, currency=data.currency, status="planned")
    session.add(item)
    session.commit()
    return item


def owned_item(session: Session, actor_id: int, item_id: int) -> PipelineItem:
    item = session.get(PipelineItem, item_id)
    if item is None:
        raise NotFound("No such planned challenge.")
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id != item.organisation_id:
        raise Forbidden("Only the organisation that planned this challenge can change it.")
    return item


def make_draft(session: Session, actor_id: int, item_id: int) -> Challenge:
    """Turn a planned item into a draft challenge of its organisation (one transaction); the item is drafted."""
    item = owned_item(session, actor_id, item_id)
    if item.status != "planned":
        raise InvalidTransition("A draft challenge was already made from this planned challenge.")
    challenge = Challenge(
        organisation_id=item.organisation_id, created_by_id=actor_id, title=item.title,
        summary=_summary(item.need), problem_statement=item.need, sector=item.sector, tags=[],
        trl_expected=DRAFT_TRL, budget_max=item.indicative_budget, currency=item.currency, country=item.country,
        deadline=_draft_deadline(item), status="draft")
    session.add(challenge)
    session.flush()
    item.status, item.challenge_id = "drafted", challenge.id
    session.commit()
    return challenge


def _summary(need: str) -> str:
    first_line = need.strip().splitlines()[0]
    return first_line if len(first_line) <= 500 else first_line[:497] + "..."


def _draft_deadline(item: PipelineItem) -> datetime:
    """The end of the expected quarter, or 30 days from now if that is sooner (a draft needs a future date)."""
    last_month = item.expected_quarter * 3
    next_month = date(item.expected_year + last_month // 12, last_month % 12 + 1, 1)
    end_of_quarter = datetime.combine(next_month, time(12), tzinfo=UTC) - timedelta(days=1)
    return max(end_of_quarter, utcnow() + MIN_DRAFT_DEADLINE)


def withdraw_item(session: Session, actor_id: int, item_id: int) -> PipelineItem:
    """Take a planned item off the pipeline (the plan was dropped)."""
    item = owned_item(session, actor_id, item_id)
    if item.status != "planned":
        raise InvalidTransition(f"A {item.status} planned challenge cannot be withdrawn.")
    item.status = "withdrawn"
    session.commit()
    return item


def _listed(today: date) -> Select:
    year, quarter = quarter_of(today)
    # Planned items whose quarter has not passed: an old plan nobody drafted is no longer a signal.
    return (select(PipelineItem).join(Organisation, Organisation.id == PipelineItem.organisation_id)
            .where(PipelineItem.status == "planned",
                   (PipelineItem.expected_year > year)
                   | ((PipelineItem.expected_year == year) & (PipelineItem.expected_quarter >= quarter))))


def search(session: Session, query: PipelineQuery, *, today: date | None = None) -> Page[PipelineItem]:
    """Listed planned challenges, soonest quarter first, filtered by sector, country and year."""
    statement = _listed(today or utcnow().date())
    if query.sector:
        statement = statement.where(PipelineItem.sector == query.sector)
    if query.country:
        statement = statement.where(PipelineItem.country == query.country)
    if query.year:
        statement = statement.where(PipelineItem.expected_year == query.year)
    statement = statement.order_by(PipelineItem.expected_year, PipelineItem.expected_quarter, PipelineItem.id)
    return paginate(session, statement, query.page, query.per_page)


def planned_for_innovator(session: Session, organisation_id: int | None, *, limit: int = 10,
                          today: date | None = None) -> list[PipelineItem]:
    """Listed planned challenges in the sectors of the organisation's published solutions (its early matches)."""
    if organisation_id is None:
        return []
    sectors = select(SolutionSector.sector).join(Solution, Solution.id == SolutionSector.solution_id).where(
        Solution.organisation_id == organisation_id, Solution.status == "published")
    statement = _listed(today or utcnow().date()).where(PipelineItem.sector.in_(sectors))
    return list(session.scalars(statement.order_by(
        PipelineItem.expected_year, PipelineItem.expected_quarter, PipelineItem.id).limit(limit)))


def organisation_items(session: Session, actor_id: int) -> list[PipelineItem]:
    """Every pipeline item of the actor's organisation, newest first (its own list, any status)."""
    actor = session.get(User, actor_id)
    if actor is None:
        return []
    return list(session.scalars(select(PipelineItem).where(PipelineItem.organisation_id == actor.organisation_id)
                                .order_by(PipelineItem.id.desc())))
