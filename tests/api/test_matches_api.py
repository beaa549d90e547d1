"""/api/v1 matches: own matches with reasons; feedback only on pairs that involve your own items."""
from __future__ import annotations

import pytest

from app.models import Match, MatchFeedback
from app.services.recommendations import rebuild as matches
from app.services.recommendations.strength import strength_of


@pytest.fixture
def pair(db, make):
    """A bus-depot challenge and a depot-charging solution, matched by the real recommender."""
    buyer, innovator = make.buyer(), make.innovator()
    challenge, solution = make.challenge(buyer), make.solution(innovator)
    make.solution(innovator, title="Library opening hours", summary="Self-service libraries.",
                  description="Opens branch libraries without staff.", sectors=["education"], tags=["libraries"])
    matches.rebuild(db)
    assert db.query(Match).filter_by(challenge_id=challenge.id, solution_id=solution.id).count() == 1
    return buyer, innovator, challenge, solution


def test_buyer_reads_ranked_solutions_with_reasons(client, pair, tokens):
    buyer, _, challenge, solution = pair
    body = client.get(f"/api/v1/challenges/{challenge.id}/matches", headers=tokens.headers(buyer)).get_json()
    [item] = body["items"]
    assert item["solution"]["id"] == solution.id and 0 < item["score"] <= 1
    # the calibrated strength and its band travel apart from the raw score, as pages and e-mails show them
    assert item["strength"] == strength_of(item["score"]).probability and 0 <= item["strength"] <= 1
    assert item["band"] == strength_of(item["score"]).band
    assert item["reasons"] and all(reason["text"] for reason in item["reasons"])
    assert "charging" in " ".join(reason["text"] for reason in item["reasons"])
    assert item["feedback"] is None


def test_innovator_reads_matches_for_its_solution_and_dashboard(client, pair, tokens):
    _, innovator, challenge, solution = pair
    headers = tokens.headers(innovator)
    body = client.get(f"/api/v1/solutions/{solution.id}/matches", headers=headers).get_json()
    assert [m["challenge"]["id"] for m in body["items"]] == [challenge.id]
    assert client.get("/api/v1/matches", headers=headers).get_json()["total"] == 1
    score = body["items"][0]["score"]
    assert client.get(f"/api/v1/matches?min_score={min(1, score + 0.01)}", headers=headers).get_json()["total"] == 0


def test_other_organisations_cannot_read_the_matches(client, pair, make, tokens):
    _, _, challenge, solution = pair
    headers = tokens.headers(make.buyer())
    assert client.get(f"/api/v1/challenges/{challenge.id}/matches", headers=headers).status_code == 403
    assert client.get(f"/api/v1/solutions/{solution.id}/matches", headers=headers).status_code == 403
    assert client.get(f"/api/v1/challenges/{challenge.id}/matches").status_code == 401


def test_hidden_feedback_removes_the_match(client, pair, tokens, db):
    buyer, _, challenge, solution = pair
    headers = tokens.headers(buyer)
    body = {"challenge_id": challenge.id, "solution_id": solution.id, "verdict": "hidden"}
    response = client.post("/api/v1/matches/feedback", json=body, headers=headers)
    assert response.status_code == 200 and response.get_json() == body
    assert client.get(f"/api/v1/challenges/{challenge.id}/matches", headers=headers).get_json()["total"] == 0
    assert db.query(MatchFeedback).one().verdict == "hidden"


def test_relevant_feedback_shows_on_the_match(client, pair, tokens, db):
    _, innovator, challenge, solution = pair
    headers = tokens.headers(innovator)
    client.post("/api/v1/matches/feedback", headers=headers,
                json={"challenge_id": challenge.id, "solution_id": solution.id, "verdict": "relevant"})
    matches.rebuild(db)  # feedback re-ranks; the nightly rebuild restores the full lists
    [item] = client.get(f"/api/v1/solutions/{solution.id}/matches", headers=headers).get_json()["items"]
    assert item["feedback"] == "relevant"


def test_feedback_on_someone_elses_pair_is_refused(client, pair, make, tokens, db):
    _, _, challenge, solution = pair
    body = {"challenge_id": challenge.id, "solution_id": solution.id, "verdict": "not_relevant"}
    response = client.post("/api/v1/matches/feedback", json=body, headers=tokens.headers(make.buyer()))
    assert response.status_code == 403
    assert db.query(MatchFeedback).count() == 0


def test_feedback_with_a_bad_verdict_is_400(client, pair, tokens):
    buyer, _, challenge, solution = pair
    body = {"challenge_id": challenge.id, "solution_id": solution.id, "verdict": "meh"}
    response = client.post("/api/v1/matches/feedback", json=body, headers=tokens.headers(buyer))
    assert response.status_code == 400 and response.get_json()["field"] == "verdict"
