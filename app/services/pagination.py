"""A page of results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(session: Session, statement: Select, page: int, per_page: int) -> Page:
    """Run ``statement`` for one page; out-of-range numbers are clamped, never an error."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    items = list(session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)
