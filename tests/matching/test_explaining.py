"""Reasons made in bulk (a rebuild) equal reasons made pair by pair; the fast helpers equal plain ones."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import scipy.sparse as sp
from matching_fixtures import NOW, challenge, solution

from app.matching import Reason, fit, rank_challenges_for_solution, rank_solutions_for_challenge, reasons, top_k_all
from app.matching.evidence import CANDIDATE_TERMS, distinct_rows
from app.matching.fast.heaviest import heaviest_rows, heaviest_terms
from app.matching.fast.heaviest import plain_heaviest as heaviest
from app.matching.fast.product import dense_product
from app.matching.reasons import shared_terms

WORDS = "bus fleet charging depot flood river sensor school canteen waste heat pump retrofit air".split()
SECTORS = ("Mobility", "Water", "Energy")
TAGS = ("ev", "iot", "sensors", "batteries", "ai", "open data")


def _corpus_with_signals(seed: int):
    """Items whose every signal fires for some pairs: sectors, tags, TRL, country, city, deadline."""
    rng = np.random.default_rng(seed)

    def fields() -> dict:
        country = str(rng.choice(["FR", "DE"])) if rng.random() < 0.8 else None
        return {
            "sectors": tuple(rng.choice(SECTORS, int(rng.integers(0, 3)), replace=False)),
            "tags": tuple(rng.choice(TAGS, int(rng.integers(0, 5)), replace=False)),
            "trl": int(rng.integers(1, 10)) if rng.random() < 0.8 else None,
            "country": country, "city": str(rng.choice(["Lyon", "Gent"])) if country else None,
            "org_id": int(rng.integers(0, 6)),
        }

    def text() -> str:
        return " ".join(rng.choice(WORDS, size=int(rng.integers(4, 14))))

    challenges = [challenge(i, text(), deadline=NOW + timedelta(days=int(rng.integers(1, 90)))
                            if rng.random() < 0.7 else None, **fields()) for i in range(25)]
    solutions = [solution(100 + i, text(), **fields()) for i in range(40)]
    return challenges, solutions


def test_rebuild_gives_every_pair_the_reasons_of_ranking_its_query_alone():
    challenges, solutions = _corpus_with_signals(4)
    model = fit(challenges, solutions)
    everything = list(top_k_all(model, k=5, now=NOW))
    expected = [m for c in challenges for m in rank_solutions_for_challenge(model, c, k=5, now=NOW)]
    expected += [m for s in solutions for m in rank_challenges_for_solution(model, s, k=5, now=NOW)]
    assert everything == expected
    kinds = {r.kind for m in everything for r in m.reasons}
    assert kinds == {"terms", "sector", "tags", "trl", "country", "deadline"}


def test_rebuild_reasons_follow_their_plain_definition():
    challenges, solutions = _corpus_with_signals(6)
    model = fit(challenges, solutions)
    by_id = {item.id: item for item in (*challenges, *solutions)}
    matches = list(top_k_all(model, k=5, now=NOW))
    assert len(matches) > 100
    for match in matches:
        assert match.reasons == _plain_reasons(model, by_id[match.challenge_id], by_id[match.solution_id])


def _plain_reasons(model, challenge_item, solution_item) -> list[Reason]:
    """The reasons of one pair, computed the obvious way (no evidence rows, no memory)."""
    found = []
    # shared terms are looked for among the terms each text may show (its n-grams as written)
    vectors = [heaviest(model.sides[item.kind].display[[model.sides[item.kind].rows[item.id]]]).toarray()[0]
               for item in (challenge_item, solution_item)]
    shared = vectors[0] * vectors[1]
    top = sorted((-value, column) for column, value in enumerate(shared) if value > 0)[:CANDIDATE_TERMS]
    shown = shared_terms(model.spell([column for _, column in top]))
    if shown:
        found.append(Reason("terms", "shares: " + ", ".join(shown), {"terms": shown}))
    for kind, prefix, book, limit in (("sector", "same sector", model.books.sectors, 3),
                                      ("tags", "shared tags", model.books.tags, 5)):
        field = "sectors" if kind == "sector" else kind
        codes = sorted({book.code(v, grow=False) for v in getattr(challenge_item, field)}
                       & {book.code(v, grow=False) for v in getattr(solution_item, field)})[:limit]
        if codes:
            labels = sorted(book.labels[c] for c in codes)
            found.append(Reason(kind, f"{prefix}: " + ", ".join(labels), {kind: labels}))
    required, reached = challenge_item.trl, solution_item.trl
    if required is not None and reached is not None and required <= reached:
        found.append(Reason("trl", f"TRL {reached} ≥ required {required}", {"trl": reached, "required": required}))
    if challenge_item.country and challenge_item.country == solution_item.country:
        if challenge_item.city and challenge_item.city == solution_item.city:
            found.append(Reason("country", f"same city: {challenge_item.city} ({challenge_item.country})",
                                {"country": challenge_item.country, "city": challenge_item.city}))
        else:
            found.append(Reason("country", f"same country: {challenge_item.country}",
                                {"country": challenge_item.country}))
    if challenge_item.deadline is not None:
        day, left = challenge_item.deadline.date().isoformat(), (challenge_item.deadline - NOW).days
        found.append(Reason("deadline", f"open until {day} ({left} days left)", {"deadline": day}))
    return found


def test_remembering_reasons_between_blocks_changes_nothing(monkeypatch):
    model = fit(*_corpus_with_signals(5))
    remembered = list(top_k_all(model, k=5, now=NOW))
    monkeypatch.setattr(reasons, "REMEMBERED", 0)  # forget after every block
    assert list(top_k_all(model, k=5, now=NOW)) == remembered


@pytest.mark.parametrize("limit", [1, 3, 48, 400])
def test_heaviest_terms_equal_the_plain_definition(limit):
    rng = np.random.default_rng(limit)
    matrix = sp.random(120, 300, density=0.4, format="csr", random_state=rng, dtype=np.float32)
    matrix.data = np.round(matrix.data * 4).astype(np.float32) / 4  # many ties
    matrix = sp.vstack([matrix, sp.csr_matrix((3, 300), dtype=np.float32)], format="csr")  # empty rows last
    fast, plain = heaviest_terms(matrix, limit, rows_per_pass=17), heaviest(matrix, limit)
    for attribute in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(fast, attribute), getattr(plain, attribute))


def test_heaviest_rows_equal_the_heaviest_terms_of_those_rows():
    rng = np.random.default_rng(2)
    matrix = sp.random(60, 400, density=0.3, format="csr", random_state=rng, dtype=np.float32)
    matrix.data = np.round(matrix.data * 4).astype(np.float32) / 4
    unsorted = matrix.copy()
    unsorted.indices[:2] = unsorted.indices[:2][::-1].copy()  # row 0 out of column order
    rows = np.array([5, 0, 5, 59, 3])
    for source in (matrix, unsorted):
        got, expected = heaviest_rows(source, rows, 20), heaviest(source[rows], 20)
        assert (got != expected).nnz == 0 and got.shape == expected.shape


@pytest.mark.parametrize("shape", [(64, 500), (1, 500), (0, 500), (5, 0)])
def test_dense_product_equals_the_scipy_product_bit_for_bit(shape):
    rng = np.random.default_rng(3)
    queries = sp.random(shape[0], 80, density=0.2, format="csr", random_state=rng, dtype=np.float32)
    postings = sp.random(80, shape[1], density=0.3, format="csr", random_state=rng, dtype=np.float32)
    got, expected = dense_product(queries, postings), (queries @ postings).toarray()
    assert got.dtype == expected.dtype and np.array_equal(got.view(np.int32), expected.view(np.int32))


def test_distinct_rows_index_every_row():
    rng = np.random.default_rng(8)
    values = rng.integers(-1, 3, size=(200, 4))
    distinct, index = distinct_rows(values)
    assert np.array_equal(distinct[index], values)
    assert len(distinct) == len({tuple(row) for row in values.tolist()})


def test_shared_terms_name_three_and_drop_repeats_and_words_shown_inside_a_phrase():
    assert shared_terms(["bus fleet", "bus", "charging", "fleet", "depot", "battery"]) == \
        ["bus fleet", "charging", "depot"]
    assert shared_terms(["bus", "charging", "bus fleet", "depot"]) == ["charging", "bus fleet", "depot"]
    assert shared_terms(["bus", "bus", "depot"]) == ["bus", "depot"]
    assert shared_terms(["street street", "street", "lighting"]) == ["street", "lighting"]
    assert shared_terms(["heat", "pump", "retrofit", "housing", "social"]) == ["heat", "pump", "retrofit"]
