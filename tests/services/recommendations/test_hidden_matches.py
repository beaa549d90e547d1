"""Hidden matches: listed for the organisation that hid them, restored only by it."""
from __future__ import annotations

import pytest

from app.services.errors import Forbidden
from app.services.recommendations import hidden_matches, match_queries
from app.services.recommendations import rebuild as matches


def test_hide_then_restore_brings_the_match_back_and_only_the_hiding_org_can(db, make):
    buyer, innovator, stranger = make.buyer(), make.innovator(), make.innovator()
    challenge = make.challenge(buyer)
    solution = make.solution(innovator)
    matches.rebuild(db)
    match_queries.record_feedback(db, innovator.id, challenge.id, solution.id, "hidden")

    assert [(m.challenge_id, m.solution_id) for m in hidden_matches.hidden_matches(db, innovator.id)] == [
        (challenge.id, solution.id)]
    assert hidden_matches.hidden_matches(db, buyer.id) == []  # the buyer did not hide it
    assert hidden_matches.restore_match(db, stranger.id, challenge.id, solution.id) is False
    assert hidden_matches.restore_match(db, buyer.id, challenge.id, solution.id) is False
    assert len(hidden_matches.hidden_matches(db, innovator.id)) == 1

    assert hidden_matches.restore_match(db, innovator.id, challenge.id, solution.id) is True
    assert hidden_matches.hidden_matches(db, innovator.id) == []
    shown = match_queries.for_solution(db, innovator.id, solution.id, match_queries.MatchFilters(min_band="weak"))
    assert [m.challenge_id for m in shown.items] == [challenge.id]


def test_someone_without_an_organisation_has_no_hidden_matches(db, make):
    admin = make.buyer()
    admin.organisation_id = None  # as a platform administrator: a user outside every organisation
    db.commit()
    with pytest.raises(Forbidden):
        hidden_matches.hidden_matches(db, admin.id)
