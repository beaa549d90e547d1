"""Stored matches: rebuild, one-item refresh without refit (the job: test_match_refresh.py), lists, feedback."""
import pytest
from sqlalchemy import func, select

from app.models import Match, MatchModelRecord
from app.services.errors import Forbidden
from app.services.marketplace import challenges
from app.services.recommendations import match_queries as match_lists
from app.services.recommendations import model_store as match_store
from app.services.recommendations import rebuild as matches
from app.services.recommendations import refresh


def _corpus(make):
    buyer = make.buyer(email="buyer@city.example")
    innovator = make.innovator(email="inno@leaks.example")
    other = make.innovator(email="other@buses.example")
    leak = make.challenge(buyer, title="Detect water leaks in the distribution network", sector="water",
                          summary="Acoustic leak detection for ageing pipes", tags=["leak detection", "pipes"],
                          problem_statement="Our water network loses 30% of treated water through leaks in pipes.")
    make.challenge(buyer, title="Electric bus depot charging", sector="mobility",
                   problem_statement="We need smart charging schedules for 200 electric buses at the depot.")
    sensor = make.solution(innovator, title="Acoustic leak sensors for water pipes", sectors=["water"],
                           tags=["leak detection"], trl=8,
                           description="Acoustic sensors on pipes find water leaks within metres.")
    bus = make.solution(other, title="Depot charging scheduler for electric buses", sectors=["mobility"],
                        description="Charging schedules for electric bus fleets at depots.", trl=7)
    return buyer, innovator, leak, sensor, bus


def test_rebuild_stores_ranked_matches_with_readable_reasons(db, make):
    buyer, _, leak, sensor, bus = _corpus(make)
    report = matches.rebuild(db)
    assert report.challenges == 2 and report.solutions == 2 and report.matches > 0
    page = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters())
    assert page.items[0].solution_id == sensor.id
    texts = " ".join(r["text"] for r in page.items[0].reasons)
    assert "leak" in texts
    assert "Water" in texts  # same sector is explained


def test_rebuild_twice_replaces_rather_than_duplicates(db, make):
    _corpus(make)
    first = matches.rebuild(db).matches
    second = matches.rebuild(db).matches
    assert first == second == db.scalar(select(func.count()).select_from(Match))
    assert db.scalar(select(func.count()).select_from(MatchModelRecord)) == 1


def test_publishing_after_rebuild_matches_new_item_without_refit(db, make):
    buyer, innovator, *_ = _corpus(make)
    matches.rebuild(db)
    version = db.scalar(select(MatchModelRecord.version))
    new = make.challenge(buyer, title="Find leaks with acoustic sensors in old pipes", sector="water",
                         problem_statement="Leaks in cast-iron water pipes waste water.")
    assert refresh.refresh_due(db).refreshed == 1
    stored = db.scalars(select(Match).where(Match.challenge_id == new.id)).all()
    assert stored, "a published challenge is matched by the next refresh"
    assert {m.model_version for m in stored} == {version}
    assert db.scalar(select(func.count()).select_from(MatchModelRecord)) == 1


def test_closing_a_challenge_removes_its_matches(db, make):
    buyer, _, leak, *_ = _corpus(make)
    matches.rebuild(db)
    challenges.close_challenge(db, buyer.id, leak.id, settings=make.settings)
    refresh.refresh_due(db)
    assert db.scalars(select(Match).where(Match.challenge_id == leak.id)).all() == []


def test_organisation_never_sees_its_own_items(db, make):
    buyer, innovator, leak, sensor, _ = _corpus(make)
    matches.rebuild(db)
    page = match_lists.for_organisation(db, innovator.id, match_lists.MatchFilters())
    assert page.items
    assert all(m.solution.organisation_id == innovator.organisation_id for m in page.items)
    assert all(m.challenge.organisation_id != innovator.organisation_id for m in page.items)


def test_hidden_match_never_comes_back(db, make):
    buyer, _, leak, sensor, _ = _corpus(make)
    matches.rebuild(db)
    match_lists.record_feedback(db, buyer.id, leak.id, sensor.id, "hidden")
    matches.rebuild(db)
    page = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters())
    assert sensor.id not in [m.solution_id for m in page.items]


def test_feedback_reorders_the_buyers_list_but_keeps_every_stored_score(db, make):
    buyer, innovator, leak, sensor, _ = _corpus(make)
    loggers = make.solution(innovator, title="Pipe leak noise loggers", sectors=["water"], tags=["leak detection"],
                            description="Noise loggers on water pipes detect leaks overnight.")
    crews = make.solution(innovator, title="Leak repair crews", sectors=["water"],
                          description="Crews repair leaks in water mains and pipes quickly.")
    matches.rebuild(db)
    scores = {(m.challenge_id, m.solution_id): m.score for m in db.scalars(select(Match))}
    before = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters(min_band="weak")).items
    assert [m.solution_id for m in before] == [sensor.id, loggers.id, crews.id]
    match_lists.record_feedback(db, buyer.id, leak.id, crews.id, "relevant")
    refresh.refresh_due(db)
    for _ in range(2):  # the refresh at once, then the nightly rebuild
        rows = db.scalars(select(Match)).all()
        assert {(m.challenge_id, m.solution_id): m.score for m in rows} == scores
        listed = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters(min_band="weak")).items
        assert [m.solution_id for m in listed] == [crews.id, sensor.id, loggers.id]
        assert listed[0].reasons_seen_by("challenge")[-1]["text"] == "ranked higher: you marked it relevant"
        # the buyer's feedback reasons are for the buyer only
        assert not [r for m in rows for r in m.reasons_seen_by("solution") if r["kind"] == "feedback"]
        matches.rebuild(db)


def test_feedback_on_someone_elses_pair_is_refused(db, make):
    _, _, leak, sensor, _ = _corpus(make)
    stranger = make.buyer(email="stranger@elsewhere.example")
    matches.rebuild(db)
    with pytest.raises(Forbidden):
        match_lists.record_feedback(db, stranger.id, leak.id, sensor.id, "hidden")


def test_similar_open_challenges_of_other_buyers(db, make):
    _, _, leak, _, _ = _corpus(make)
    other_city = make.buyer(email="water@othercity.example")
    draft = make.challenge(other_city, publish=False, title="Leak detection in water pipes", sector="water",
                           summary="Acoustic leak detection", tags=["leak detection"],
                           problem_statement="Find leaks in our water pipes early.")
    matches.rebuild(db)
    match_store.forget_cache()
    found = matches.similar_open_challenges(db, draft)
    assert found[0].challenge.id == leak.id
    assert all(n.challenge.organisation_id != other_city.organisation_id for n in found)


def test_a_stored_model_from_an_older_engine_is_ignored_not_fatal(db, make):
    buyer, _, leak, *_ = _corpus(make)
    matches.rebuild(db)
    record = db.scalar(select(MatchModelRecord))
    record.payload = b"not a model"
    db.commit()
    match_store.forget_cache()
    assert match_store.current_model(db) is None
    assert matches.similar_open_challenges(db, leak) == []


def test_rebuild_command_prints_a_summary(app, make):
    _corpus(make)
    result = app.test_cli_runner().invoke(args=["matches", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Matched 2 challenges and 2 solutions" in result.output


def test_dashboard_lists_each_challenge_once_with_the_other_solutions_that_fit(db, make):
    buyer, innovator, leak, sensor, _ = _corpus(make)
    second = make.solution(innovator, title="Leak detection service for water pipes", sectors=["water"],
                           description="Listening for leaks in water pipes with acoustic loggers.", trl=7)
    matches.rebuild(db)
    pairs = match_lists.for_organisation(db, innovator.id, match_lists.MatchFilters())
    assert [m.challenge_id for m in pairs.items].count(leak.id) == 2  # one pair per solution
    grouped = match_lists.for_organisation(db, innovator.id, match_lists.MatchFilters(), one_per_opportunity=True)
    challenge_ids = [m.challenge_id for m in grouped.items]
    assert challenge_ids.count(leak.id) == 1 and len(challenge_ids) == len(set(challenge_ids))
    assert grouped.total == len(set(m.challenge_id for m in pairs.items))
    best = next(m for m in grouped.items if m.challenge_id == leak.id)
    assert best.score == max(m.score for m in pairs.items if m.challenge_id == leak.id)
    also = match_lists.also_fits(db, innovator.id, grouped.items, match_lists.MatchFilters())
    assert [s.id for s in also[best.id]] == [({sensor.id, second.id} - {best.solution_id}).pop()]


def _wider_corpus(make):
    """Four challenges and five solutions on overlapping topics: with top lists of two, some
    pairs are in both lists and some only in one side's."""
    buyer = make.buyer(email="wide@city.example")
    innovator = make.innovator(email="wide@inno.example")
    topics = ["water leaks in pipes", "electric bus charging at the depot", "street lighting energy use",
              "waste collection routes", "air quality sensors near schools"]
    made = [make.challenge(buyer, title=f"Challenge on {topic}", sector="water",
                           problem_statement=f"We need help with {topic} and {topics[(i + 1) % 5]}.")
            for i, topic in enumerate(topics[:4])]
    solutions = [make.solution(innovator, title=f"Product for {topic}", sectors=["water"], trl=7,
                               description=f"Tools for {topic}, also {topics[(i + 2) % 5]}.")
                 for i, topic in enumerate(topics)]
    return buyer, made, solutions


def _plain_rows(found, k):
    """The stored rows by definition: one per pair, with the pair's own score and reasons (the
    same in both lists), each side's rank score from that side's list (the score if the pair is
    only in the other's) and its feedback reason tagged with the side; ranks = place among the
    pair's challenge's (solution's) pairs by that side's rank score then other id, top k."""
    pairs = {}
    for m in found:
        side = "solution" if m.query_kind == "solution" else "challenge"
        pair = pairs.setdefault((m.challenge_id, m.solution_id), {"score": m.score, "rank": {}, "extra": {}})
        assert pair["score"] == m.score  # feedback never changes a pair's own score
        own = [{"kind": r.kind, "text": r.text} for r in m.reasons if r.kind != "feedback"]
        assert pair.setdefault("own", own) == own
        pair["rank"][side] = m.rank_score
        pair["extra"][side] = [{"kind": r.kind, "text": r.text, "for": side} for r in m.reasons
                               if r.kind == "feedback"]
    ranks = {0: {}, 1: {}}
    for index, side in enumerate(("challenge", "solution")):
        groups = {}
        for key, pair in pairs.items():
            groups.setdefault(key[index], []).append((-pair["rank"].get(side, pair["score"]), key[1 - index], key))
        for entries in groups.values():
            for place, (_, _, key) in enumerate(sorted(entries)[:k], start=1):
                ranks[index][key] = place
    return {key: (p["score"], ranks[0].get(key), ranks[1].get(key), p["rank"].get("challenge", p["score"]),
                  p["rank"].get("solution", p["score"]),
                  p["own"] + p["extra"].get("challenge", []) + p["extra"].get("solution", []))
            for key, p in pairs.items()}


@pytest.mark.parametrize("with_feedback", [False, True])
def test_rebuild_stores_exactly_the_rows_defined_by_the_engine_output(db, make, monkeypatch, with_feedback):
    buyer, made, solutions = _wider_corpus(make)
    if with_feedback:
        match_lists.record_feedback(db, buyer.id, made[0].id, solutions[4].id, "relevant")
    monkeypatch.setattr(matches, "TOP_K", 2)
    found = []
    engine_top_k_all = matches.top_k_all

    def recording(*args, **kwargs):
        found.extend(engine_top_k_all(*args, **kwargs))
        return iter(found)

    monkeypatch.setattr(matches, "top_k_all", recording)
    progressed = []
    report = matches.rebuild(db, matches.RebuildProgress(lambda total: progressed.append(("start", total)),
                                                          lambda n: progressed.append(n)))
    expected = _plain_rows(found, 2)
    stored = {(m.challenge_id, m.solution_id): (m.score, m.rank_for_challenge, m.rank_for_solution,
                                                m.rank_score_for_challenge, m.rank_score_for_solution, m.reasons)
              for m in db.scalars(select(Match))}
    assert stored == expected
    assert report.matches == len(expected) == progressed[0][1] == sum(progressed[1:])
    assert {m.model_version for m in db.scalars(select(Match))} == {report.model_version}
    # The corpus does exercise both cases: pairs listed both ways, and pairs in one list only.
    pairs = [(m.challenge_id, m.solution_id) for m in found]
    assert len(set(pairs)) < len(pairs)
    assert any(r[1] is None for r in expected.values()) and any(r[2] is None for r in expected.values())
    assert any(r[5] for r in expected.values())
    if with_feedback:  # the buyer's marks did reorder its lists
        assert any(r[3] != r[0] for r in expected.values())


def test_lists_leave_out_matches_below_the_default_strength_unless_asked(db, make):
    from app.services.recommendations.strength import default_min_score, strength_of

    buyer, innovator, leak, sensor, _ = _corpus(make)
    make.solution(innovator, title="Leak repair crews", sectors=["water"],
                  description="Crews repair leaks in water mains and pipes quickly.")
    matches.rebuild(db)
    every = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters(min_band="weak")).items
    default = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters()).items
    assert {m.id for m in default} == {m.id for m in every if m.score >= default_min_score()}
    assert all(strength_of(m.score).band in ("strong", "good", "possible") for m in default)
    assert any(strength_of(m.score).band == "weak" for m in every)  # the corpus has a weak pair to leave out
    strong = match_lists.for_challenge(db, buyer.id, leak.id, match_lists.MatchFilters(min_band="strong")).items
    assert all(strength_of(m.score).band == "strong" for m in strong)
