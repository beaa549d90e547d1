"""Human-readable reasons for matched pairs: shared terms and the signals that fired."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

from app.matching.model import MatchModel
from app.matching.records import CHALLENGE, Kind, Reason, other_kind
from app.matching.signals import Codebook, Facts

# How many shared terms a reason names, and how many top contributors are looked at
# before dropping single words already inside a named phrase.
SHOWN_TERMS = 4
CANDIDATE_TERMS = 10


def explain_pairs(
    model: MatchModel,
    query_kind: Kind,
    query_heavy: sp.csr_matrix,
    query_facts: Facts,
    cand_rows: np.ndarray,
    now: float,
) -> list[list[Reason]]:
    """Reasons for each pair i = (query row i, candidate ``cand_rows[i]``).

    ``query_heavy`` (the queries' ``heaviest`` terms) and ``query_facts`` hold one row per
    pair; work is vectorised over pairs, Python only formats the reasons that fired.
    """
    cand_side = model.sides[other_kind(query_kind)]
    cand_facts = cand_side.facts.take(cand_rows)
    shared = query_heavy.multiply(cand_side.heaviest[cand_rows]).tocsr()
    term_lists = _top_columns(shared, CANDIDATE_TERMS)
    spelled = _spelling(model, term_lists)
    sectors = _top_columns(query_facts.sectors.multiply(_fit(cand_facts.sectors, query_facts.sectors)).tocsr(), 3)
    tags = _top_columns(query_facts.tags.multiply(_fit(cand_facts.tags, query_facts.tags)).tocsr(), 5)
    challenge, solution = (query_facts, cand_facts) if query_kind == CHALLENGE else (cand_facts, query_facts)
    cache = _ReasonCache(model, now)
    reached, required = solution.trl.tolist(), challenge.trl.tolist()
    countries, cities = query_facts.country.tolist(), query_facts.city.tolist()
    cand_countries, cand_cities = cand_facts.country.tolist(), cand_facts.city.tolist()
    deadlines = challenge.deadline.tolist()
    reasons: list[list[Reason]] = []
    for i in range(len(cand_rows)):
        pair: list[Reason] = []
        if term_lists[i]:
            pair.append(_terms_reason([spelled[c] for c in term_lists[i]]))
        if sectors[i]:
            pair.append(cache.labels("sector", "same sector", model.books.sectors, sectors[i]))
        if tags[i]:
            pair.append(cache.labels("tags", "shared tags", model.books.tags, tags[i]))
        if 0 <= required[i] <= reached[i]:
            pair.append(cache.trl(reached[i], required[i]))
        if countries[i] >= 0 and countries[i] == cand_countries[i]:
            same_city = cities[i] >= 0 and cities[i] == cand_cities[i]
            pair.append(cache.place(countries[i], cities[i] if same_city else -1))
        if deadlines[i] > now:  # False for NaN (no deadline)
            pair.append(cache.deadline(deadlines[i]))
        reasons.append(pair)
    return reasons


class _ReasonCache:
    """Structured reasons repeat across pairs (same sector, same TRL pair...): build each once.

    Reasons are immutable, so pairs may share the same object.
    """

    def __init__(self, model: MatchModel, now: float) -> None:
        self.model, self.now, self.memo = model, now, {}

    def labels(self, kind: str, prefix: str, book: Codebook, codes: list[int]) -> Reason:
        key = (kind, *codes)
        found = self.memo.get(key)
        if found is None:
            labels = sorted(book.labels[c] for c in codes)
            found = self.memo[key] = Reason(kind, f"{prefix}: " + ", ".join(labels), {kind: labels})
        return found

    def trl(self, reached: int, required: int) -> Reason:
        key = ("trl", reached, required)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = Reason(
                "trl", f"TRL {reached} ≥ required {required}", {"trl": reached, "required": required})
        return found

    def place(self, country: int, city: int) -> Reason:
        key = ("place", country, city)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _place_reason(self.model, country, city)
        return found

    def deadline(self, deadline: float) -> Reason:
        found = self.memo.get(deadline)
        if found is None:
            found = self.memo[deadline] = _deadline_reason(deadline, self.now)
        return found


def _spelling(model: MatchModel, term_lists: list[list[int]]) -> dict[int, str]:
    columns = sorted({c for columns in term_lists for c in columns})
    return dict(zip(columns, model.spell(columns), strict=True))


def _terms_reason(terms: list[str]) -> Reason:
    shown = shared_terms(terms)
    return Reason("terms", "shares: " + ", ".join(shown), {"terms": shown})


def term_reasons(model: MatchModel, shared: sp.csr_matrix) -> list[list[Reason]]:
    """For each row of elementwise products of two vectors, its "shares: ..." reason (or none)."""
    term_lists = _top_columns(shared, CANDIDATE_TERMS)
    spelled = _spelling(model, term_lists)
    return [[_terms_reason([spelled[c] for c in columns])] if columns else [] for columns in term_lists]


def shared_terms(terms: list[str]) -> list[str]:
    """Top shared terms, dropping single words already shown inside a phrase."""
    chosen: list[tuple[str, frozenset[str]]] = []
    for term in terms:
        words = _words(term)
        if any(words <= other for _, other in chosen):
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


def _top_columns(matrix: sp.csr_matrix, limit: int) -> list[list[int]]:
    """Per row, the columns of the ``limit`` largest positive entries, largest first."""
    matrix.eliminate_zeros()
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    # Ties between equal contributions fall back on column order, hence on the vocabulary.
    order = np.lexsort((matrix.indices, -matrix.data, row_of))
    rank = np.arange(len(order)) - matrix.indptr[row_of[order]]
    keep = order[rank < limit]
    columns = matrix.indices[keep]
    bounds = np.searchsorted(row_of[keep], np.arange(matrix.shape[0] + 1))
    columns, bounds = columns.tolist(), bounds.tolist()  # one conversion, then list slices
    return [columns[bounds[r] : bounds[r + 1]] for r in range(matrix.shape[0])]


def _fit(matrix: sp.csr_matrix, like: sp.csr_matrix) -> sp.csr_matrix:
    width = like.shape[1]
    if matrix.shape[1] == width:
        return matrix
    if matrix.shape[1] > width:
        return matrix[:, :width]
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))
