"""Match pages: owners see ranked lists with reasons and filters; nobody else does."""
from sqlalchemy import func, select

from app.models import Match, MatchFeedback
from app.services.recommendations import rebuild as matches
from app.services.recommendations.strength import strength_of


def _setup(make, db):
    buyer = make.buyer(email="b@city.example")
    innovator = make.innovator(email="i@firm.example")
    challenge = make.challenge(buyer, title="Leak detection in water pipes", sector="water",
                               tags=["leak detection"], problem_statement="Find leaks in water pipes.")
    solution = make.solution(innovator, title="Acoustic leak detection for pipes", sectors=["water"],
                             tags=["leak detection"], description="Finds water leaks in pipes acoustically.")
    matches.rebuild(db)
    return buyer, innovator, challenge, solution


def test_buyer_sees_ranked_solutions_with_reasons(client, auth, make, db):
    _, _, challenge, solution = _setup(make, db)
    auth.login("b@city.example")
    page = client.get(f"/challenges/{challenge.id}/matches")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acoustic leak detection for pipes" in html
    assert "shares:" in html and "same sector: Water" in html


def test_cards_show_the_calibrated_strength_not_the_raw_score(client, auth, make, db):
    _, _, challenge, _ = _setup(make, db)
    auth.login("b@city.example")
    [match] = db.scalars(select(Match).where(Match.challenge_id == challenge.id)).all()
    shown = strength_of(match.score)
    html = client.get(f"/challenges/{challenge.id}/matches?min_strength=weak").get_data(as_text=True)
    assert f"{shown.label} · {shown.percent}%" in html
    assert f"{round(match.score * 100)}%" not in html.replace(f"{shown.percent}%", "")  # raw score not shown


def test_the_default_list_leaves_out_weak_matches_and_says_why(client, auth, make, db):
    _, innovator, challenge, solution = _setup(make, db)
    make.solution(innovator, title="Pipe leak listening service", sectors=["water"],
                  tags=["leak detection"], description="Listening for water leaks in pipes.")
    matches.rebuild(db)
    match = db.scalar(select(Match).where(Match.challenge_id == challenge.id, Match.solution_id == solution.id))
    assert strength_of(match.score).band == "weak"  # a three-item corpus: every word is common
    auth.login("b@city.example")
    html = client.get(f"/challenges/{challenge.id}/matches").get_data(as_text=True)
    assert "Acoustic leak detection for pipes" not in html
    assert 'id="none-above-minimum"' in html and "min_strength=weak" in html
    assert '<option value="possible" selected>' in html
    weak = client.get(f"/challenges/{challenge.id}/matches?min_strength=weak").get_data(as_text=True)
    assert "Acoustic leak detection for pipes" in weak and "Weak match" in weak
    assert "Acoustic leak detection for pipes" not in client.get("/dashboard").get_data(as_text=True)


def test_min_score_filter_drops_weak_matches(client, auth, make, db):
    _, _, challenge, _ = _setup(make, db)
    auth.login("b@city.example")
    html = client.get(f"/challenges/{challenge.id}/matches?min_score=1").get_data(as_text=True)
    assert "Acoustic leak detection for pipes" not in html


def test_bad_filter_values_are_ignored(client, auth, make, db):
    _, _, challenge, _ = _setup(make, db)
    auth.login("b@city.example")
    for query in ("min_score=abc", "min_strength=%3Cx%3E", "min_strength=", "trl_min=99", "page=-3",
                  "sector=%3Cscript%3E"):
        assert client.get(f"/challenges/{challenge.id}/matches?{query}").status_code == 200


def test_other_organisations_cannot_see_a_challenges_matches(client, auth, make, db):
    _, _, challenge, solution = _setup(make, db)
    make.buyer(email="other@town.example")
    auth.login("other@town.example")
    assert client.get(f"/challenges/{challenge.id}/matches").status_code == 403
    assert client.get(f"/solutions/{solution.id}/matches").status_code == 403
    auth.logout()
    assert client.get(f"/challenges/{challenge.id}/matches").status_code == 302  # to the login page


def test_feedback_on_anothers_pair_is_refused_and_changes_nothing(client, auth, make, db):
    _, _, challenge, solution = _setup(make, db)
    make.buyer(email="other@town.example")
    auth.login("other@town.example")
    response = client.post("/matches/feedback", data={"challenge_id": challenge.id, "solution_id": solution.id,
                                                      "verdict": "hidden"})
    assert response.status_code == 403
    auth.logout()
    auth.login("b@city.example")
    assert "Acoustic leak detection" in client.get(f"/challenges/{challenge.id}/matches").get_data(as_text=True)


def test_feedback_on_a_pair_with_an_item_the_user_may_not_see_is_404_and_stores_nothing(client, auth, make, db):
    buyer, innovator, challenge, solution = _setup(make, db)
    draft_challenge = make.challenge(buyer, publish=False, title="Draft: leak pilot")
    draft_solution = make.solution(make.innovator(email="x@other.example"), publish=False, title="Draft sensor")
    auth.login("i@firm.example")  # owns `solution`; may not see another organisation's draft challenge
    for verdict in ("relevant", "not_relevant", "hidden"):
        response = client.post("/matches/feedback", data={"challenge_id": draft_challenge.id,
                                                          "solution_id": solution.id, "verdict": verdict})
        assert response.status_code == 404
    auth.logout()
    auth.login("b@city.example")  # owns `challenge`; may not see the other innovator's draft solution
    response = client.post("/matches/feedback", data={"challenge_id": challenge.id,
                                                      "solution_id": draft_solution.id, "verdict": "relevant"})
    assert response.status_code == 404
    assert db.scalar(select(func.count()).select_from(MatchFeedback)) == 0
    # the same actors on visible pairs are still heard
    response = client.post("/matches/feedback", data={"challenge_id": challenge.id, "solution_id": solution.id,
                                                      "verdict": "relevant"})
    assert response.status_code in (302, 303)
    assert db.scalar(select(func.count()).select_from(MatchFeedback)) == 1


def test_hide_from_the_innovator_side(client, auth, make, db):
    _, _, challenge, solution = _setup(make, db)
    auth.login("i@firm.example")
    assert "Leak detection in water pipes" in client.get("/matches").get_data(as_text=True)
    client.post("/matches/feedback", data={"challenge_id": challenge.id, "solution_id": solution.id,
                                           "verdict": "hidden", "next": "/matches"})
    assert "Leak detection in water pipes" not in client.get("/matches").get_data(as_text=True)


def test_draft_owner_sees_similar_open_challenges_elsewhere(client, auth, make, db):
    _setup(make, db)
    other = make.buyer(email="w@othertown.example")
    draft = make.challenge(other, publish=False, title="Water pipe leak detection", sector="water",
                           summary="Leak detection", tags=["leak detection"], problem_statement="Leaks in pipes.")
    auth.login("w@othertown.example")
    html = client.get(f"/challenges/{draft.id}").get_data(as_text=True)
    assert "Similar open challenges elsewhere" in html
    assert "Leak detection in water pipes" in html


def test_dashboard_shows_a_challenge_once_naming_every_solution_it_fits(client, auth, make, db):
    buyer, innovator, challenge, solution = _setup(make, db)
    second = make.solution(innovator, title="Pipe leak listening service", sectors=["water"],
                           tags=["leak detection"], description="Listening for water leaks in pipes.")
    # Unrelated items, so the shared words are rare enough for the pairs to be at least possible matches
    # (in a corpus of three, every word is common and every pair weak).
    make.challenge(buyer, title="Electric bus depot charging", sector="mobility",
                   problem_statement="Smart charging schedules for 200 electric buses at the depot.")
    make.solution(make.innovator(email="s@meals.example"), title="School meal planner", sectors=["education"],
                  description="Plans healthy school meals and cuts food waste in canteens.")
    matches.rebuild(db)
    auth.login("i@firm.example")
    for url in ("/dashboard", "/matches"):
        html = client.get(url).get_data(as_text=True)
        assert html.count(f'data-challenge="{challenge.id}"') == 1, url
        assert ", also <a" in html and f"/solutions/{solution.id}\"" in html and f"/solutions/{second.id}\"" in html
