"""Structured facts of items as arrays, the bonus of each signal, and which pairs are eligible."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

from app.matching.records import CHALLENGE, Item, Kind
from app.matching.stacking import stack_rows

# Bonus of each signal when it fires. A pair's text score is multiplied by
# (1 + sum of fired bonuses) / (1 + SIGNAL_TOTAL): a missing fact costs nothing relative to
# a known fact that does not fire, and no signal can lift a pair with no shared words.
SECTOR_BONUS = 0.10
TAGS_BONUS = 0.10  # scaled by min(shared tags, TAGS_FULL) / TAGS_FULL
TAGS_FULL = 3
TRL_BONUS = 0.05
PLACE_BONUS = 0.05  # same country; same city is reported but not counted twice
DEADLINE_BONUS = 0.03
SIGNAL_TOTAL = SECTOR_BONUS + TAGS_BONUS + TRL_BONUS + PLACE_BONUS + DEADLINE_BONUS

UNKNOWN = -1


@dataclass
class Codebook:
    """Stable integer codes for labels (sectors, tags, countries, orgs), shared by both sides."""

    codes: dict[Hashable, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    def code(self, label: Hashable | None, display: str | None = None, grow: bool = True) -> int:
        """Return the code of ``label``; ``UNKNOWN`` for None or blank.

        A new label is added when ``grow``; otherwise it is ``UNKNOWN`` (matches nothing), so
        ranking an item never changes the model.
        """
        if label is None or (isinstance(label, str) and not label.strip()):
            return UNKNOWN
        key = label.strip().casefold() if isinstance(label, str) else label
        if key not in self.codes:
            if not grow:
                return UNKNOWN
            self.codes[key] = len(self.labels)
            self.labels.append(display if display is not None else str(label).strip())
        return self.codes[key]


@dataclass
class Codebooks:
    """All the codebooks of a model."""

    sectors: Codebook = field(default_factory=Codebook)
    tags: Codebook = field(default_factory=Codebook)
    places: Codebook = field(default_factory=Codebook)
    cities: Codebook = field(default_factory=Codebook)
    orgs: Codebook = field(default_factory=Codebook)


@dataclass
class Facts:
    """Structured facts of the items of one side, one array entry per matrix row."""

    sectors: sp.csr_matrix
    tags: sp.csr_matrix
    trl: np.ndarray
    country: np.ndarray
    city: np.ndarray
    deadline: np.ndarray  # POSIX seconds, NaN when unknown
    org: np.ndarray
    active: np.ndarray

    @classmethod
    def of(cls, items: Sequence[Item], books: Codebooks, grow: bool = False) -> Facts:
        """Encode ``items`` with ``books``; new labels are added only when ``grow``."""
        return cls(
            sectors=_indicator([[books.sectors.code(s, grow=grow) for s in i.sectors] for i in items]),
            tags=_indicator([[books.tags.code(t, grow=grow) for t in i.tags] for i in items]),
            trl=np.array([UNKNOWN if i.trl is None else i.trl for i in items], dtype=np.int16),
            country=np.array([books.places.code(i.country, grow=grow) for i in items], dtype=np.int32),
            city=np.array([_city_code(i, books.cities, grow) for i in items], dtype=np.int32),
            deadline=np.array([_timestamp(i.deadline) for i in items], dtype=np.float64),
            org=np.array([books.orgs.code(i.org_id, grow=grow) for i in items], dtype=np.int64),
            active=np.array([bool(i.active) for i in items], dtype=bool),
        )

    def take(self, rows: np.ndarray) -> Facts:
        """Return the facts of ``rows`` only."""
        return Facts(
            self.sectors[rows], self.tags[rows], self.trl[rows], self.country[rows],
            self.city[rows], self.deadline[rows], self.org[rows], self.active[rows],
        )

    def append(self, other: Facts) -> Facts:
        """Return these facts followed by ``other``'s."""
        return Facts(
            stack_rows(self.sectors, other.sectors), stack_rows(self.tags, other.tags),
            np.concatenate([self.trl, other.trl]), np.concatenate([self.country, other.country]),
            np.concatenate([self.city, other.city]),
            np.concatenate([self.deadline, other.deadline]),
            np.concatenate([self.org, other.org]), np.concatenate([self.active, other.active]),
        )


def eligible(query: Facts, cand: Facts, cand_kind: Kind, now: float) -> np.ndarray:
    """Boolean (queries x candidates): active, other organisation, deadline not passed."""
    ok = np.broadcast_to(cand.active[None, :], (len(query.org), len(cand.org))).copy()
    ok &= (query.org[:, None] != cand.org[None, :]) | (query.org[:, None] == UNKNOWN)
    if cand_kind == CHALLENGE:
        ok &= ~(cand.deadline <= now)[None, :]
    return ok


def now_timestamp(now: datetime | None) -> float:
    """POSIX seconds of ``now`` (naive means UTC); the current time when None."""
    return _timestamp(now or datetime.now(UTC))


def is_open(deadlines: np.ndarray, now: float) -> np.ndarray:
    return ~np.isnan(deadlines) & (deadlines > now)


def _indicator(code_lists: Iterable[list[int]]) -> sp.csr_matrix:
    rows = [sorted({c for c in codes if c >= 0}) for codes in code_lists]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([c for r in rows for c in r], dtype=np.int32)
    width = int(indices.max()) + 1 if len(indices) else 0
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


def _city_code(item: Item, cities: Codebook, grow: bool) -> int:
    # A city is only "the same" within the same country (Paris, Texas is not Paris).
    if not item.city or not item.city.strip():
        return UNKNOWN
    key = f"{(item.country or '').strip().casefold()}|{item.city.strip().casefold()}"
    return cities.code(key, display=item.city.strip(), grow=grow)


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return float("nan")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
