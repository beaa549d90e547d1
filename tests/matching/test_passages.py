"""Passage evidence: splitting into parts, the blended score, and agreement of every path."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from matching_fixtures import NOW, challenge, solution

from app.matching import (
    DEFAULT_SETTINGS,
    MatchModel,
    fit,
    rank_challenges_for_solution,
    rank_solutions_for_challenge,
    rebuild,
    top_k_all,
)
from app.matching.passages import MAX_PASSAGES, split
from app.matching.scoring import SCALE, score_matrix
from app.matching.text import TextSettings

WORDS = ("bus fleet charging depot flood river sensor school canteen waste heat pump retrofit air "
         "quality leak pipe acoustic tram lighting parking noise").split()
NO_PASSAGES = dataclasses.replace(DEFAULT_SETTINGS, passage_weight=0.0)


def _paragraph(rng, words: int) -> str:
    return " ".join(rng.choice(WORDS, size=words))


def _profile_corpus(seed: int):
    """Items of one to four paragraphs, long enough to count as passages."""
    rng = np.random.default_rng(seed)

    def text() -> str:
        return "\n\n".join(_paragraph(rng, int(rng.integers(80, 120))) for _ in range(int(rng.integers(1, 5))))

    challenges = [challenge(i, text(), org_id=int(rng.integers(0, 6))) for i in range(20)]
    solutions = [solution(1000 + i, text(), org_id=int(rng.integers(0, 6))) for i in range(30)]
    return challenges, solutions


def test_only_solutions_are_cut_into_passages():
    text = "\n\n".join(" ".join([word] * 90) for word in ("pump", "leak", "tram"))
    parts, owners = split([challenge(1, text), solution(2, text)], DEFAULT_SETTINGS)
    assert owners.tolist() == [1, 1, 1] and {p.kind for p in parts} == {"solution"}


def test_short_paragraphs_join_the_next_one_and_single_texts_have_no_passages():
    long_a, long_b = " ".join(["pump"] * 90), " ".join(["leak"] * 90)
    items = [
        solution(1, f"Our projects\n\n{long_a}\n  \n{long_b}\n\nContact us"),
        solution(2, long_a),  # one paragraph: the whole text is its only part
        solution(3, f"{long_a}\n\n{long_b}", summary="Heat pumps and leaks."),
    ]
    parts, owners = split(items, DEFAULT_SETTINGS)
    assert owners.tolist() == [0, 0, 2, 2]
    assert parts[0].description == f"Our projects\n\n{long_a}"
    assert parts[1].description == f"{long_b}\n\nContact us"
    assert parts[2].description.startswith("Heat pumps and leaks.\n\n") and parts[3].description == long_b
    assert all(p.title == "solution 1" and p.summary == "" for p in parts[:2])


def test_an_item_of_hundreds_of_paragraphs_is_cut_into_at_most_the_cap():
    text = "\n\n".join(" ".join([f"word{i}"] * 100) for i in range(200))
    parts, owners = split([solution(1, text)], DEFAULT_SETTINGS)
    assert 1 < len(parts) <= MAX_PASSAGES and set(owners.tolist()) == {0}
    assert "".join(p.description for p in parts).count("word") == 200 * 100


def test_a_challenge_close_to_one_project_of_a_long_profile_scores_higher():
    rng = np.random.default_rng(3)
    project = " ".join(["acoustic leak detection for water pipes"] * 16)
    others = [" ".join(rng.choice(["school canteen waste", "tram lighting", "parking noise"], 40))
              for _ in range(3)]
    profile = solution(10, "\n\n".join([others[0], project, *others[1:]]), org_id="a")
    flat = solution(11, " ".join(rng.choice(["water pipe", "leak", "canteen", "tram"], 120)), org_id="b")
    query = challenge(1, "Find leaks in water pipes with acoustic detection. " * 3, org_id="c")
    with_parts = {m.solution_id: m.score for m in rank_solutions_for_challenge(fit([query], [profile, flat]), query)}
    whole = {m.solution_id: m.score for m in
             rank_solutions_for_challenge(fit([query], [profile, flat], NO_PASSAGES), query)}
    assert with_parts[10] > whole[10]
    assert with_parts[11] == pytest.approx(whole[11], abs=2e-6)  # one passage each: unchanged


@pytest.mark.parametrize("block_rows", [3, 128])
def test_top_k_all_one_item_and_the_score_matrix_agree_with_passages(monkeypatch, block_rows):
    monkeypatch.setattr(rebuild, "BLOCK_ROWS", block_rows)
    challenges, solutions = _profile_corpus(5)
    model = fit(challenges, solutions)
    assert len(model.sides["solution"].passages) and not len(model.sides["challenge"].passages)
    scores = np.rint(score_matrix(model, NOW) * SCALE).astype(np.int64)
    plain = np.rint(score_matrix(fit(challenges, solutions, NO_PASSAGES), NOW) * SCALE).astype(np.int64)
    assert (scores >= plain - 1).all() and (scores > plain + 1).any()
    got = {(m.challenge_id, m.solution_id): round(m.score * SCALE) for m in top_k_all(model, k=5, now=NOW)}
    for (cid, sid), micro in got.items():
        assert scores[cid, sid - 1000] == micro
    for query in challenges[:5]:
        for m in rank_solutions_for_challenge(model, query, k=5, now=NOW):
            assert got[(m.challenge_id, m.solution_id)] == round(m.score * SCALE)
    for query in solutions[:5]:
        for m in rank_challenges_for_solution(model, query, k=5, now=NOW):
            assert round(m.score * SCALE) == scores[m.challenge_id, query.id - 1000]


def test_added_items_bring_their_passages_and_survive_serialisation():
    challenges, solutions = _profile_corpus(8)
    model = fit(challenges, solutions[:-1])
    before = len(model.sides["solution"].passages)
    newcomer = solutions[-1]
    if newcomer.description.count("\n\n") == 0:
        newcomer = dataclasses.replace(newcomer, description=newcomer.description + "\n\n" + newcomer.description)
    model.add_items([newcomer])
    side = model.sides["solution"]
    assert len(side.passages) > before and side.passages.owner[-1] == len(side.ids) - 1
    loaded = MatchModel.from_bytes(model.to_bytes())
    for query in challenges[:6]:
        assert rank_solutions_for_challenge(loaded, query, now=NOW) == \
            rank_solutions_for_challenge(model, query, now=NOW)
    ranked = {m.solution_id: m.score for m in rank_solutions_for_challenge(model, challenges[0], k=50, now=NOW)}
    in_block = {m.solution_id: m.score for m in top_k_all(model, k=50, now=NOW) if m.challenge_id == 0}
    assert ranked == in_block


def test_passage_settings_are_part_of_the_model_version():
    challenges, solutions = _profile_corpus(9)
    assert fit(challenges, solutions).version != \
        fit(challenges, solutions, TextSettings(passage_weight=0.2)).version


def test_passages_transformed_in_chunks_equal_one_pass(monkeypatch):
    from app.matching import model as model_module

    challenges, solutions = _profile_corpus(10)
    model = fit(challenges, solutions)
    one = model.transform_passages(solutions)
    monkeypatch.setattr(model_module, "PASSAGE_CHUNK", 3)
    many = model.transform_passages(solutions)
    assert len(one) > 3 and (one.matrix != many.matrix).nnz == 0 and (one.owner == many.owner).all()


@pytest.mark.parametrize("seed", [10, 11])
def test_fit_tokenising_each_word_once_equals_transforming_items_and_passages(seed):
    challenges, solutions = _profile_corpus(seed)
    solutions.append(solution(5000, "Short profile. " * 3, summary="One line", tags=("pumps", "leaks")))
    solutions.append(solution(5001, "\n\n".join(["alpha beta gamma " * 30] * 3), summary="Summary " * 90,
                              outcomes="Outcome words " * 40, tags=("x",)))
    model = fit(challenges, solutions)
    for kind, items in (("challenge", challenges), ("solution", solutions)):
        side = model.sides[kind]
        assert (side.matrix != model.transform(items)).nnz == 0
        direct = model.transform_passages(items)
        assert (side.passages.owner == direct.owner).all() and (side.passages.matrix != direct.matrix).nnz == 0
        assert np.array_equal(side.passages.matrix.data, direct.matrix.data)
    assert len(model.sides["solution"].passages) > 10
