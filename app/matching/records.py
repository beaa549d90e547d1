"""Plain records the matching engine reads (Item, Feedback) and returns (Match, Reason)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ItemId = int | str
Kind = Literal["challenge", "solution"]
CHALLENGE: Kind = "challenge"
SOLUTION: Kind = "solution"


@dataclass(frozen=True)
class Item:
    """A challenge or a solution as the engine sees it: text plus a few structured facts.

    For a challenge ``trl`` is the technology readiness level it requires; for a solution it is
    the level the solution has reached. ``active`` is False for anything closed, draft,
    archived or moderated: such items are never recommended.
    """

    id: ItemId
    kind: Kind
    title: str = ""
    summary: str = ""
    description: str = ""
    outcomes: str = ""
    sectors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    trl: int | None = None
    country: str | None = None
    city: str | None = None
    deadline: datetime | None = None
    org_id: ItemId | None = None
    active: bool = True


@dataclass(frozen=True)
class Reason:
    """Why a match was made: a machine ``kind``, a sentence for people, optional data."""

    kind: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """One recommended challenge/solution pair with its score in [0, 1] and reasons.

    ``score`` is the pair's own: it rests on the two texts and facts only, never on feedback.
    ``rank_score`` is where the pair sits in the list it was ranked in (the ``query_kind``
    item's): the score itself, unless the query's organisation marked items, which moves it
    (feedback reorders a list, it never changes a pair's shown strength).
    """

    challenge_id: ItemId
    solution_id: ItemId
    score: float
    reasons: list[Reason]
    rank_score: float | None = None
    query_kind: Kind | None = None

    def __post_init__(self) -> None:
        if self.rank_score is None:
            object.__setattr__(self, "rank_score", self.score)


@dataclass(frozen=True)
class Feedback:
    """What one organisation said about candidates: ids of the ranked (other) side.

    ``relevant`` and ``not_relevant`` steer the query (Rocchio); ``hidden`` ids are never
    returned. Any iterable of ids is accepted.
    """

    relevant: frozenset[ItemId] = frozenset()
    not_relevant: frozenset[ItemId] = frozenset()
    hidden: frozenset[ItemId] = frozenset()

    @classmethod
    def of(
        cls,
        relevant: Iterable[ItemId] = (),
        not_relevant: Iterable[ItemId] = (),
        hidden: Iterable[ItemId] = (),
    ) -> Feedback:
        """Build feedback from plain lists or sets of ids."""
        return cls(frozenset(relevant), frozenset(not_relevant), frozenset(hidden))


def other_kind(kind: Kind) -> Kind:
    """Return the side an item of ``kind`` is matched against."""
    return SOLUTION if kind == CHALLENGE else CHALLENGE


def id_sort_key(item_id: ItemId) -> tuple[int, int | str]:
    """Order ids deterministically even when ints and strings are mixed (ints first)."""
    return (0, item_id) if isinstance(item_id, int) else (1, str(item_id))
