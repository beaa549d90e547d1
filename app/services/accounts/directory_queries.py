"""The public directory of organisations: filter by side, kind, country, verification and name."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Organisation
from app.services.pagination import Page, paginate


@dataclass
class OrganisationQuery:
    q: str = ""
    side: str = ""
    kind: str = ""
    country: str = ""
    verified: bool | None = None
    page: int = 1
    per_page: int = 20


def search_organisations(session: Session, query: OrganisationQuery) -> Page[Organisation]:
    """Organisations matching every given filter, by name; ``q`` matches part of the name literally."""
    statement = select(Organisation)
    exact = {"side": query.side, "kind": query.kind, "country": query.country}
    for name, value in exact.items():
        if value:
            statement = statement.where(getattr(Organisation, name) == value)
    if query.verified is not None:
        statement = statement.where(Organisation.verified.is_(query.verified))
    words = " ".join(query.q.split()).lower()
    if words:
        # autoescape: % and _ typed by a user are literal characters, not wildcards
        statement = statement.where(func.lower(Organisation.name).contains(words, autoescape=True))
    statement = statement.order_by(func.lower(Organisation.name), Organisation.id)
    return paginate(session, statement, query.page, query.per_page)
