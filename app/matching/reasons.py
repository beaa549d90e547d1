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
    query_vectors: sp.csr_matrix,
    query_facts: Facts,
    cand_rows: np.ndarray,
    now: float,
) -> list[list[Reason]]:
    """Reasons for each pair i = (query row i, candidate ``cand_rows[i]``).

    ``query_vectors`` and ``query_facts`` hold one row per pair; work is vectorised over
    pairs, Python only formats the few reasons that fired.
    """
    cand_side = model.sides[other_kind(query_kind)]
    cand_facts = cand_side.facts.take(cand_rows)
    shared = query_vectors.multiply(cand_side.matrix[cand_rows]).tocsr()
    term_lists = _top_columns(shared, CANDIDATE_TERMS)
    sectors = _top_columns(query_facts.sectors.multiply(_fit(cand_facts.sectors, query_facts.sectors)).tocsr(), 3)
    tags = _top_columns(query_facts.tags.multiply(_fit(cand_facts.tags, query_facts.tags)).tocsr(), 5)
    challenge, solution = (query_facts, cand_facts) if query_kind == CHALLENGE else (cand_facts, query_facts)
    reasons: list[list[Reason]] = []
    for i in range(len(cand_rows)):
        pair: list[Reason] = []
        _add_terms(pair, model.terms, term_lists[i])
        _add_labels(pair, "sector", "same sector", model.books.sectors, sectors[i])
        _add_labels(pair, "tags", "shared tags", model.books.tags, tags[i])
        _add_trl(pair, int(solution.trl[i]), int(challenge.trl[i]))
        _add_place(pair, model, query_facts, cand_facts, i)
        _add_deadline(pair, float(challenge.deadline[i]), now)
        reasons.append(pair)
    return reasons


def term_reasons(model: MatchModel, shared: sp.csr_matrix) -> list[list[Reason]]:
    """For each row of elementwise products of two vectors, its "shares: ..." reason (or none)."""
    reasons: list[list[Reason]] = []
    for columns in _top_columns(shared, CANDIDATE_TERMS):
        pair: list[Reason] = []
        _add_terms(pair, model.terms, columns)
        reasons.append(pair)
    return reasons


def shared_terms(terms: np.ndarray, columns: list[int]) -> list[str]:
    """Top shared terms, dropping single words already shown inside a phrase."""
    chosen: list[str] = []
    for column in columns:
        term = str(terms[column])
        words = set(term.split())
        if any(words <= set(other.split()) for other in chosen):
            continue
        chosen = [other for other in chosen if not set(other.split()) <= words]
        chosen.append(term)
        if len(chosen) == SHOWN_TERMS:
            break
    return chosen


def _add_terms(pair: list[Reason], terms: np.ndarray, columns: list[int]) -> None:
    if columns:
        shown = shared_terms(terms, columns)
        pair.append(Reason("terms", "shares: " + ", ".join(shown), {"terms": shown}))


def _add_labels(pair: list[Reason], kind: str, prefix: str, book: Codebook, codes: list[int]) -> None:
    if codes:
        labels = sorted(book.labels[c] for c in codes)
        pair.append(Reason(kind, f"{prefix}: " + ", ".join(labels), {kind: labels}))


def _add_trl(pair: list[Reason], reached: int, required: int) -> None:
    if required >= 0 and reached >= required:
        text = f"TRL {reached} ≥ required {required}"
        pair.append(Reason("trl", text, {"trl": reached, "required": required}))


def _add_place(pair: list[Reason], model: MatchModel, query: Facts, cand: Facts, i: int) -> None:
    country = int(query.country[i])
    if country < 0 or country != int(cand.country[i]):
        return
    label = model.books.places.labels[country]
    city = int(query.city[i])
    if city >= 0 and city == int(cand.city[i]):
        city_label = model.books.cities.labels[city]
        pair.append(Reason("country", f"same city: {city_label} ({label})", {"country": label, "city": city_label}))
    else:
        pair.append(Reason("country", f"same country: {label}", {"country": label}))


def _add_deadline(pair: list[Reason], deadline: float, now: float) -> None:
    if not np.isnan(deadline) and deadline > now:
        day = datetime.fromtimestamp(deadline, UTC).date().isoformat()
        days_left = int((deadline - now) // 86400)
        pair.append(Reason("deadline", f"open until {day} ({days_left} days left)", {"deadline": day}))


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
    return [columns[bounds[r] : bounds[r + 1]].tolist() for r in range(matrix.shape[0])]


def _fit(matrix: sp.csr_matrix, like: sp.csr_matrix) -> sp.csr_matrix:
    width = like.shape[1]
    if matrix.shape[1] == width:
        return matrix
    if matrix.shape[1] > width:
        return matrix[:, :width]
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))
