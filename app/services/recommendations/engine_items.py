"""Turn challenge and solution rows into the recommender's plain records."""
from __future__ import annotations

from app.code_lists import sector_label
from app.matching import CHALLENGE, SOLUTION, Item
from app.models import Challenge, Solution


def is_hidden(row: Challenge | Solution) -> bool:
    """Moderated items (hidden by an admin) are never recommended."""
    return getattr(row, "hidden_at", None) is not None


def challenge_item(row: Challenge) -> Item:
    return Item(
        id=row.id, kind=CHALLENGE, title=row.title, summary=row.summary, description=row.problem_statement,
        outcomes=row.desired_outcomes, sectors=(sector_label(row.sector),), tags=tuple(row.tags or ()),
        trl=row.trl_expected, country=row.country, city=row.location or None, deadline=row.deadline,
        org_id=row.organisation_id, active=row.status == "open" and not is_hidden(row),
    )


def solution_item(row: Solution) -> Item:
    return Item(
        id=row.id, kind=SOLUTION, title=row.title, summary=row.summary, description=row.description,
        sectors=tuple(sector_label(code) for code in row.sectors), tags=tuple(row.tags or ()), trl=row.trl,
        country=row.country, city=row.organisation.city or None if row.organisation else None,
        org_id=row.organisation_id, active=row.status == "published" and not is_hidden(row),
    )


def item_for(row: Challenge | Solution) -> Item:
    return challenge_item(row) if isinstance(row, Challenge) else solution_item(row)
