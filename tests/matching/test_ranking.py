"""Ranking behaviour: relevance, exclusions, signals, determinism, incremental matching."""

from __future__ import annotations

from matching_fixtures import NOW, challenge, solution

from app.matching import (
    Feedback,
    fit,
    rank_challenges_for_solution,
    rank_solutions_for_challenge,
    similar_challenges,
    top_k_all,
)


def test_obviously_related_solution_ranks_first(corpus):
    challenges, solutions = corpus
    model = fit(challenges, solutions)
    for query, expected in ((challenges[1], 11), (challenges[2], 12)):
        assert rank_solutions_for_challenge(model, query, now=NOW)[0].solution_id == expected


def test_reasons_name_shared_terms_and_signals(corpus):
    model = fit(*corpus)
    best = rank_solutions_for_challenge(model, corpus[0][0], now=NOW)[0]
    texts = {r.kind: r.text for r in best.reasons}
    assert best.solution_id == 10
    assert texts["terms"] == "shares: bus fleet, charging, electric"
    assert texts["sector"] == "same sector: Mobility"
    assert texts["trl"] == "TRL 7 ≥ required 6"
    assert texts["country"] == "same country: FR"
    assert texts["deadline"].startswith("open until 2025-06-01")
    assert 0 < best.score <= 1


def test_signals_raise_the_score_of_an_equal_text():
    challenges = [challenge(1, "electric bus charging", sectors=("Mobility",), trl=5)]
    solutions = [solution(2, "electric bus charging", sectors=("Mobility",), trl=5),
                 solution(3, "electric bus charging", sectors=("Water",), trl=4),
                 *[solution(9 + i, f"filler text number {i} about parks") for i in range(3)]]
    ranked = rank_solutions_for_challenge(fit(challenges, solutions), challenges[0], now=NOW)
    assert [m.solution_id for m in ranked[:2]] == [2, 3]
    assert ranked[0].score > ranked[1].score
    assert {r.kind for r in ranked[1].reasons} == {"terms"}


def test_own_organisation_and_inactive_items_are_excluded(corpus):
    model = fit(*corpus)
    ids = [m.solution_id for m in rank_solutions_for_challenge(model, corpus[0][0], now=NOW)]
    assert 13 not in ids and 14 not in ids and 10 in ids


def test_expired_challenges_are_not_recommended(corpus):
    model = fit(*corpus)
    later = NOW.replace(year=2026)
    ranked = rank_challenges_for_solution(model, corpus[1][0], now=later)
    assert 1 not in [m.challenge_id for m in ranked]
    assert 1 in [m.challenge_id for m in rank_challenges_for_solution(model, corpus[1][0], now=NOW)]


def test_same_result_twice_and_ties_broken_by_id():
    challenges = [challenge(1, "heat pump retrofit for social housing")]
    solutions = [solution(i, "heat pump retrofit for social housing") for i in (7, 3, 5)]
    model = fit(challenges, solutions)
    first = rank_solutions_for_challenge(model, challenges[0], now=NOW)
    assert [m.solution_id for m in first] == [3, 5, 7]
    assert first == rank_solutions_for_challenge(fit(challenges, solutions), challenges[0], now=NOW)


def test_top_k_all_matches_single_item_rankings_both_ways(corpus):
    model = fit(*corpus)
    everything = list(top_k_all(model, k=3, now=NOW))
    for query in corpus[0]:
        expected = rank_solutions_for_challenge(model, query, k=3, now=NOW)
        got = [m for m in everything[: len(everything)] if m.challenge_id == query.id][: len(expected)]
        assert [(m.solution_id, m.score) for m in got] == [(m.solution_id, m.score) for m in expected]
    s2c = [m for m in everything if m.solution_id == 11]
    assert (s2c[-1].challenge_id, s2c[-1].solution_id) == (2, 11)


def test_incremental_item_ranks_like_a_full_fit():
    challenges = [challenge(i, f"topic {w} sensors and {w} analytics") for i, w in
                  enumerate(["bus", "flood", "waste", "school", "energy"])]
    solutions = [solution(100 + i, f"{w} analytics with {v}") for i, (w, v) in
                 enumerate([("bus", "gps"), ("flood", "radar"), ("waste", "scales"), ("energy", "meters"),
                            ("school", "tablets"), ("bus", "tickets")])]
    new = challenge(99, "bus tickets analytics with gps sensors")
    full = fit([*challenges, new], solutions)
    from_rebuild = [(m.solution_id, m.score) for m in top_k_all(full, k=4, now=NOW) if m.challenge_id == 99]
    one_item = [(m.solution_id, m.score) for m in rank_solutions_for_challenge(full, new, k=4, now=NOW)]
    assert one_item == from_rebuild[: len(one_item)] and len(one_item) >= 2


def test_added_items_are_indexed_and_edits_replace_the_old_row(corpus):
    model = fit(*corpus)
    model.add_items([solution(20, "food waste leftovers canteen scales", org_id="x")])
    ranked = rank_solutions_for_challenge(model, corpus[0][2], now=NOW)
    assert 20 in [m.solution_id for m in ranked]
    model.add_items([solution(20, "flood river sensors", org_id="x")])
    ranked = rank_solutions_for_challenge(model, corpus[0][2], now=NOW)
    assert 20 not in [m.solution_id for m in ranked]


def test_with_items_returns_a_new_model_and_leaves_the_one_being_read_unchanged(corpus):
    model = fit(*corpus)
    before = [(m.solution_id, m.score) for m in rank_solutions_for_challenge(model, corpus[0][2], now=NOW)]
    tags_before = dict(model.books.tags.codes)
    edited = solution(11, "food waste leftovers canteen scales", org_id="x", tags=("brand new tag",))
    newer = model.with_items([solution(20, "food waste leftovers canteen scales", org_id="x"), edited])
    assert [(m.solution_id, m.score) for m in rank_solutions_for_challenge(model, corpus[0][2], now=NOW)] == before
    assert model.books.tags.codes == tags_before and 20 not in model.sides["solution"].rows
    copied = fit(*corpus)
    copied.add_items([solution(20, "food waste leftovers canteen scales", org_id="x"), edited])
    assert [(m.solution_id, m.score) for m in rank_solutions_for_challenge(newer, corpus[0][2], now=NOW)] == \
        [(m.solution_id, m.score) for m in rank_solutions_for_challenge(copied, corpus[0][2], now=NOW)]


def test_feedback_reorders_the_list_but_every_pair_keeps_its_own_score_and_terms():
    challenges = [challenge(1, "air quality monitoring in streets")]
    solutions = [solution(2, "air quality monitoring sensors for streets"),
                 solution(3, "air quality monitoring with drones and cameras", title="SkyAir"),
                 solution(4, "monitoring drones and cameras counting traffic in streets"),
                 solution(6, "noise monitoring sensors in streets"),
                 solution(5, "bridges inspection by drones and cameras", title="Hidden"),
                 solution(7, "drones and cameras inspecting bridges")]
    model = fit(challenges, solutions)
    before = rank_solutions_for_challenge(model, challenges[0], now=NOW)
    after = rank_solutions_for_challenge(model, challenges[0], feedback=Feedback.of(relevant=[3], hidden={5}), now=NOW)
    assert [m.solution_id for m in before] == [2, 3, 6, 4]
    assert [m.solution_id for m in after] == [3, 2, 4, 6]  # reordered; 7 shares nothing, so never listed
    assert all(m.rank_score == m.score for m in before)
    own = {m.solution_id: (m.score, m.reasons[0]) for m in before}
    assert {m.solution_id: (m.score, m.reasons[0]) for m in after} == own
    assert [m.rank_score for m in after] == sorted((m.rank_score for m in after), reverse=True)
    moved_up = next(m for m in after if m.solution_id == 4)
    assert moved_up.reasons[-1].kind == "feedback"
    assert moved_up.reasons[-1].text == "ranked higher: similar to “SkyAir” that you marked relevant"
    assert after[0].reasons[-1].text == "ranked higher: you marked it relevant"
    assert all(r.kind != "feedback" for m in after if m.solution_id not in (3, 4) for r in m.reasons)


def test_a_not_relevant_mark_explains_what_it_pushed_down():
    challenges = [challenge(1, "air quality monitoring in streets")]
    solutions = [solution(2, "air quality monitoring sensors for streets"),
                 solution(3, "air quality monitoring with drones and cameras", title="SkyAir"),
                 solution(4, "air quality drones and cameras"),
                 solution(6, "air sensors for streets and roads"),
                 solution(8, "bridges inspection by drones")]
    model = fit(challenges, solutions)
    before = rank_solutions_for_challenge(model, challenges[0], now=NOW)
    after = rank_solutions_for_challenge(model, challenges[0], feedback=Feedback.of(not_relevant=[3]), now=NOW)
    assert {m.solution_id: m.score for m in after} == {m.solution_id: m.score for m in before}
    pushed = [m for m in after if any(r.kind == "feedback" for r in m.reasons)]
    assert [m.solution_id for m in pushed] == [4]
    places_before, places_after = [m.solution_id for m in before], [m.solution_id for m in after]
    for m in pushed:
        assert places_before.index(m.solution_id) < places_after.index(m.solution_id)
        assert m.reasons[-1].text == "ranked lower: similar to “SkyAir” that you marked not relevant"


def test_feedback_in_top_k_all_hides_items_for_that_organisation(corpus):
    model = fit(*corpus)

    def count(feedback):
        matches = top_k_all(model, k=3, now=NOW, feedback_by_org=feedback)
        return sum((m.challenge_id, m.solution_id) == (1, 10) for m in matches)

    # (1, 10) is listed once for Lyon's challenge and once for Acme's solution.
    assert count(None) == 2
    assert count({"lyon": Feedback.of(hidden=[10])}) == 1


def test_similar_challenges_returns_closest_other_challenge(corpus):
    model = fit(*corpus)
    draft = challenge("draft", "flood sensors on the river")
    neighbours = similar_challenges(model, draft, k=2)
    assert neighbours[0].id == 2 and "flood" in neighbours[0].reasons[0].text
    assert all(n.id != "draft" for n in similar_challenges(model, corpus[0][1], k=5))
