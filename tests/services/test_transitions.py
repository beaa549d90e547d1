"""claim_status: a status change made on a stale read loses, and leaves nothing half-written."""
from __future__ import annotations

import pytest

from app.db import new_session
from app.models import Challenge
from app.services.errors import InvalidTransition
from app.services.marketplace import challenges
from app.services.transitions import claim_status


def test_a_change_based_on_a_stale_status_is_refused_and_rolled_back(app, db, make):
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    stale = new_session(app)
    try:
        row = stale.get(Challenge, draft.id)  # reads "draft"
        challenges.publish_challenge(db, buyer.id, draft.id, settings=make.settings)  # someone else publishes first
        with pytest.raises(InvalidTransition, match="changed by someone else"):
            claim_status(stale, row, "cancelled", noun="challenge")
        assert stale.get(Challenge, draft.id).status == "open"
    finally:
        stale.close()


def test_a_won_claim_updates_the_loaded_row_without_a_second_write(app, db, make):
    draft = make.challenge(publish=False)
    claim_status(db, draft, "cancelled", noun="challenge")
    assert draft.status == "cancelled" and not db.dirty
    db.commit()
    db.expire_all()
    assert db.get(Challenge, draft.id).status == "cancelled"
