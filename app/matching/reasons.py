"""Human-readable reasons for matched pairs: shared terms and the signals that fired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

from app.matching.evidence import (
    CANDIDATE_TERMS,
    DEADLINE,
    NONE,
    PLACE,
    SECTORS,
    TAGS,
    TRL,
    Evidence,
    gather,
    top_columns,
)
from app.matching.fast.heaviest import heaviest_rows
from app.matching.model import MatchModel
from app.matching.records import Kind, Reason, other_kind
from app.matching.signals import Codebook, Facts

# How many shared terms a reason names (more reads as noise).
SHOWN_TERMS = 3
# A rebuild keeps the reasons it made for reuse by later pairs; past this many of one sort
# it forgets them all and starts again (bounded memory). The synthetic bench at 100,000
# solutions meets about 214,000 distinct term lists and 120,000 distinct signal rows.
REMEMBERED = 250_000

Reasons = tuple[Reason, ...]


def explain_pairs(
    model: MatchModel,
    query_kind: Kind,
    query_heavy: sp.csr_matrix,
    query_facts: Facts,
    query_rows: np.ndarray,
    cand_rows: np.ndarray,
    now: float,
) -> list[list[Reason]]:
    """Reasons for each pair i = (query ``query_rows[i]`` of ``query_facts``, candidate ``cand_rows[i]``).

    ``query_heavy`` (the queries' ``heaviest`` terms) holds one row per pair; work is
    vectorised over pairs, Python only formats the reasons that fired.
    """
    # Only these candidates' heaviest terms: a row's are its own, so no need for the whole side's.
    cand_heavy = heaviest_rows(model.sides[other_kind(query_kind)].display, cand_rows)
    evidence = gather(model, query_kind, query_heavy, query_facts, query_rows, cand_heavy, cand_rows, now)
    book = ReasonBook(model, now)
    heads, tails = book.heads(evidence), book.tails(evidence)
    return [[*heads[t], *tails[c]]
            for t, c in zip(evidence.term_of_pair.tolist(), evidence.signal_of_pair.tolist(), strict=True)]


class ReasonBook:
    """Formats the reasons of evidence, each distinct row once, and remembers them.

    A pair's reasons are ``[*heads[term_of_pair], *tails[signal_of_pair]]``. Reasons are
    immutable, so pairs may share the same objects. Rows are remembered by their bytes
    (keys the garbage collector need not track).
    """

    def __init__(self, model: MatchModel, now: float) -> None:
        self.model, self.now = model, now
        self.spelled: dict[int, str] = {}
        self.shares: dict[bytes, Reasons] = {}
        self.signal_sets: dict[bytes, Reasons] = {}
        self.memo: dict[tuple, Reasons] = {}

    def heads(self, evidence: Evidence) -> list[Reasons]:
        """The "shares: ..." reason (or none) of each distinct row of shared terms."""
        return _remembered(self.shares, evidence.terms, self._terms)

    def tails(self, evidence: Evidence) -> list[Reasons]:
        """The signal reasons of each distinct row of signals."""
        return _remembered(self.signal_sets, evidence.signals, self._signals)

    def _terms(self, rows: np.ndarray) -> list[Reasons]:
        spelled = self.spelled
        missing = [c for c in np.unique(rows[rows >= 0]).tolist() if c not in spelled]
        if missing:
            spelled.update(zip(missing, self.model.spell(missing), strict=True))
        heads = []
        for row in rows.tolist():
            columns = [c for c in row if c != NONE]
            reason = _terms_reason([spelled[c] for c in columns]) if columns else None
            heads.append((reason,) if reason else ())
        return heads

    def _signals(self, rows: np.ndarray) -> list[Reasons]:
        if len(self.memo) > REMEMBERED:
            self.memo.clear()
        books = self.model.books
        days = np.ascontiguousarray(rows[:, DEADLINE]).view(np.float64).tolist()
        tails = []
        for row, day in zip(rows.tolist(), days, strict=True):
            tails.append((
                *self._labels("sector", "same sector", books.sectors, row[SECTORS]),
                *self._labels("tags", "shared tags", books.tags, row[TAGS]),
                *self._level(row[TRL], row[TRL + 1]),
                *self._place(row[PLACE], row[PLACE + 1]),
                *(self._deadline(day) if row[DEADLINE] != NONE else ()),
            ))
        return tails

    def _labels(self, kind: str, prefix: str, book: Codebook, row: list[int]) -> Reasons:
        codes = tuple(c for c in row if c != NONE)
        if not codes:
            return ()
        key = (kind, *codes)
        found = self.memo.get(key)
        if found is None:
            labels = sorted(book.labels[c] for c in codes)
            found = self.memo[key] = (Reason(kind, f"{prefix}: " + ", ".join(labels), {kind: labels}),)
        return found

    def _level(self, reached: int, required: int) -> Reasons:
        if reached == NONE:
            return ()
        key = ("trl", reached, required)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = (Reason("trl", f"TRL {reached} ≥ required {required}",
                                             {"trl": reached, "required": required}),)
        return found

    def _place(self, country: int, city: int) -> Reasons:
        if country == NONE:
            return ()
        key = ("place", country, city)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = (_place_reason(self.model, country, city),)
        return found

    def _deadline(self, deadline: float) -> Reasons:
        key = ("deadline", deadline)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = (_deadline_reason(deadline, self.now),)
        return found


def _remembered(
    memory: dict[bytes, Reasons], rows: np.ndarray, make: Callable[[np.ndarray], list[Reasons]],
) -> list[Reasons]:
    """``make(rows)``, made only for the rows not in ``memory`` (which is then updated)."""
    if len(memory) > REMEMBERED:
        memory.clear()
    raw, width = np.ascontiguousarray(rows, dtype=np.int64).tobytes(), rows.shape[1] * 8
    keys = [raw[start : start + width] for start in range(0, len(raw), width)]
    found = [memory.get(key) for key in keys]
    missing = [i for i, reasons in enumerate(found) if reasons is None]
    if missing:
        for i, reasons in zip(missing, make(rows[missing]), strict=True):
            found[i] = memory[keys[i]] = reasons
    return found


def _terms_reason(terms: list[str]) -> Reason | None:
    shown = shared_terms(terms)
    return Reason("terms", "shares: " + ", ".join(shown), {"terms": shown}) if shown else None


def term_reasons(model: MatchModel, shared: sp.csr_matrix) -> list[list[Reason]]:
    """For each row of elementwise products of two vectors, its "shares: ..." reason (or none)."""
    term_lists = [[c for c in row if c != NONE] for row in top_columns(shared, CANDIDATE_TERMS).tolist()]
    columns = sorted({c for row in term_lists for c in row})
    spelled = dict(zip(columns, model.spell(columns), strict=True))
    found = [_terms_reason([spelled[c] for c in columns]) if columns else None for columns in term_lists]
    return [[reason] if reason else [] for reason in found]


def shared_terms(terms: list[str]) -> list[str]:
    """Top shared terms, dropping phrases that repeat a word ("street street") and single words
    already shown inside a phrase."""
    if " " not in "".join(terms) and len(set(terms)) == len(terms):
        return terms[:SHOWN_TERMS]  # distinct single words: none is inside another
    chosen: list[tuple[str, frozenset[str]]] = []
    for term in terms:
        words = _words(term)
        if len(words) < term.count(" ") + 1 or any(words <= other for _, other in chosen):
            continue
        chosen = [(text, other) for text, other in chosen if not other <= words]
        chosen.append((term, words))
        if len(chosen) == SHOWN_TERMS:
            break
    return [text for text, _ in chosen]


_WORD_SETS: dict[str, frozenset[str]] = {}


def _words(term: str) -> frozenset[str]:
    found = _WORD_SETS.get(term)
    if found is None:
        found = _WORD_SETS[term] = frozenset(term.split())
    return found


def _place_reason(model: MatchModel, country: int, city: int) -> Reason:
    label = model.books.places.labels[country]
    if city >= 0:
        city_label = model.books.cities.labels[city]
        return Reason("country", f"same city: {city_label} ({label})", {"country": label, "city": city_label})
    return Reason("country", f"same country: {label}", {"country": label})


def _deadline_reason(deadline: float, now: float) -> Reason:
    day = datetime.fromtimestamp(deadline, UTC).date().isoformat()
    days_left = int((deadline - now) // 86400)
    return Reason("deadline", f"open until {day} ({days_left} days left)", {"deadline": day})
