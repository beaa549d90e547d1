"""What a user already acted on, so a digest never sends it as new: a challenge the user saved, the
organisation applied to, or marked (relevant, not relevant or hidden) on any of its pairs; for a buyer,
a pair its organisation marked or a solution that already applied to that challenge. What the user
already received is the digest_items keys (content.sent_keys)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.models import Challenge, MatchFeedback, SavedChallenge, Solution


def innovator_acted(session: Session, user_org: dict[int, int]) -> dict[int, set[int]]:
    """user_id -> challenge ids that user (saved) or its organisation (applied, marked) acted on."""
    acted: dict[int, set[int]] = defaultdict(set)
    org_challenges: dict[int, set[int]] = defaultdict(set)
    for user_id, cid in session.execute(select(SavedChallenge.user_id, SavedChallenge.challenge_id)
                                        .where(SavedChallenge.user_id.in_(user_org))):
        acted[user_id].add(cid)
    orgs = set(user_org.values())
    for org_id, cid in session.execute(select(MatchFeedback.organisation_id, MatchFeedback.challenge_id)
                                       .where(MatchFeedback.organisation_id.in_(orgs))):
        org_challenges[org_id].add(cid)
    application = getattr(models, "Application", None)
    if application is not None:
        for org_id, cid in session.execute(select(Solution.organisation_id, application.challenge_id)
                                           .join(Solution, Solution.id == application.solution_id)
                                           .where(Solution.organisation_id.in_(orgs))):
            org_challenges[org_id].add(cid)
    for user_id, org_id in user_org.items():
        acted[user_id] |= org_challenges[org_id]
    return acted


def buyer_acted(session: Session, org_ids: set[int]) -> set[tuple[int, int]]:
    """(challenge id, solution id) pairs of these buyers' challenges already marked or applied with."""
    pairs = set(session.execute(select(MatchFeedback.challenge_id, MatchFeedback.solution_id)
                                .where(MatchFeedback.organisation_id.in_(org_ids))).tuples())
    application = getattr(models, "Application", None)
    if application is not None:
        pairs |= set(session.execute(select(application.challenge_id, application.solution_id)
                                     .join(Challenge, Challenge.id == application.challenge_id)
                                     .where(Challenge.organisation_id.in_(org_ids))).tuples())
    return pairs
