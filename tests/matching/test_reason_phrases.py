"""Shared-term reasons are phrases of both texts, and feedback never changes a pair's own score.

Checked on generated texts full of stop words, numbers, commas and tags, and on a sample of the
real SBIR data kept in bench/data (the first 100 challenges against every solution).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from matching_fixtures import NOW, challenge, solution

from app.matching import CHALLENGE, SOLUTION, Feedback, fit, rank_solutions_for_challenge, top_k_all
from app.matching.reasons import SHOWN_TERMS
from app.matching.text import normalise, stem

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from ranking_quality import DEFAULTS, read_items  # noqa: E402

# Words, and everything that ends a written phrase: sentence ends, list separators, tag breaks.
_TOKENS = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|[^\w\s]+")


def written_tokens(item) -> list[str]:
    """The item's fields as one token list, a break (".") between fields and between tags."""
    fields = [item.title, item.summary, item.description, item.outcomes, *item.tags]
    return [token for text in fields for token in [*_TOKENS.findall(normalise(" ".join(text.split()))), "."]]


def occurs_as_written(phrase: str, tokens: list[str]) -> bool:
    """The phrase's words are consecutive words of the text (each word as written, or the
    written word's plural shown in its singular form by the stemmer)."""
    words = phrase.split()
    return any(all(stem(tokens[i + j]) == stem(w) and tokens[i + j][0].isalnum() for j, w in enumerate(words))
               for i in range(len(tokens) - len(words) + 1))


def check_reasons(matches, items) -> int:
    """Assert the rules on every shared-term reason; return how many terms were checked."""
    tokens = {}
    checked = 0
    for match in matches:
        pair = [items[(CHALLENGE, match.challenge_id)], items[(SOLUTION, match.solution_id)]]
        for reason in match.reasons:
            if reason.kind != "terms":
                continue
            terms = reason.data["terms"]
            assert 1 <= len(terms) <= SHOWN_TERMS
            for term in terms:
                words = term.split()
                assert len(set(words)) == len(words), term
                for item in pair:
                    key = (item.kind, item.id)
                    if key not in tokens:
                        tokens[key] = written_tokens(item)
                    assert occurs_as_written(term, tokens[key]), (term, item.id)
                checked += 1
    return checked


def _generated(seed: int):
    rng = np.random.default_rng(seed)
    words = ("valve hydrant street lighting leak sensor pressure water pipe network million eur "
             "centre handle looking want methodology accurate association algorithm").split()
    glue = ["the", "of", "and", "is", "for", "2024", "12", ",", ".", ";", ":", "-", "/"]

    def text() -> str:
        parts = [str(rng.choice(words)) if rng.random() < 0.6 else str(rng.choice(glue))
                 for _ in range(int(rng.integers(8, 30)))]
        return " ".join(parts)

    def tags() -> tuple[str, ...]:
        return tuple(str(t) for t in rng.choice(words, int(rng.integers(0, 4)), replace=False))

    challenges = [challenge(i, text(), title=text()[:40], tags=tags(), org_id=i % 5) for i in range(40)]
    solutions = [solution(100 + i, text(), title=text()[:40], tags=tags(), org_id=10 + i % 7) for i in range(60)]
    return challenges, solutions


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_texts_reasons_are_phrases_of_both_texts(seed):
    challenges, solutions = _generated(seed)
    model = fit(challenges, solutions)
    items = {(i.kind, i.id): i for i in (*challenges, *solutions)}
    feedback = {org: Feedback.of(relevant=[100 + org]) for org in range(5)}
    assert check_reasons(top_k_all(model, k=8, now=NOW, feedback_by_org=feedback), items) > 200


@pytest.fixture(scope="module")
def sbir():
    challenges = read_items(str(DEFAULTS["challenges"]), CHALLENGE)[:100]
    solutions = read_items(str(DEFAULTS["solutions"]), SOLUTION)
    return challenges, solutions, fit(challenges, solutions)


def test_sbir_sample_reasons_are_phrases_of_both_texts(sbir):
    challenges, solutions, model = sbir
    items = {(i.kind, i.id): i for i in (*challenges, *solutions)}
    assert check_reasons(top_k_all(model, k=10), items) > 1000


def test_sbir_sample_a_relevant_mark_reorders_but_never_changes_a_score(sbir):
    challenges, _, model = sbir
    changed_order = 0
    for query in challenges[:30]:
        own = {m.solution_id: (m.score, m.reasons) for m in rank_solutions_for_challenge(model, query, 1000)}
        before = rank_solutions_for_challenge(model, query, 20)
        if len(before) < 2:
            continue
        after = rank_solutions_for_challenge(model, query, 20, Feedback.of(relevant=[before[1].solution_id]))
        # the pair's own score and shared terms, whatever the order; feedback adds only its own reason
        assert all((m.score, [r for r in m.reasons if r.kind != "feedback"]) == own[m.solution_id] for m in after)
        changed_order += [m.solution_id for m in after] != [m.solution_id for m in before]
    assert changed_order >= 20
