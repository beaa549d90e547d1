"""Demo buyer groups (seed_data/buyer_groups.json): joint challenges with co-owners and observers, idempotently.

Kept out of demo_data.py so the joint-challenge seed stays one file; it goes through the buyer-group services
(invite without e-mail, then accept with the invitation's own token) like a lead and an invited city would.
"""
from __future__ import annotations

from sqlalchemy import select

from app.models import Challenge, ChallengeParty, User
from app.services.marketplace import buyer_groups
from app.services.settings import ServiceSettings


def load_group(session, users: dict[str, int], entry: dict, settings: ServiceSettings, report) -> None:
    """One joint challenge: ``{"lead": key, "title": ..., "co_owners": [keys], "observers": [keys]}``."""
    lead = session.get(User, users[entry["lead"]])
    challenge = session.scalar(select(Challenge).where(Challenge.organisation_id == lead.organisation_id,
                                                       Challenge.title == entry["title"]))
    if challenge is None:
        raise KeyError(f"buyer group for unknown challenge {entry['title']!r}")
    parties = [(key, "co_owner") for key in entry.get("co_owners", [])] + \
              [(key, "observer") for key in entry.get("observers", [])]
    for key, role in parties:
        member = session.get(User, users[key])
        if _has_party(session, challenge.id, member.organisation_id):
            report.existing["buyer_groups"] += 1
            continue
        party = buyer_groups.invite(session, lead.id, challenge.id, member.organisation_id, role,
                                    settings=settings, notify=False)
        buyer_groups.accept(session, member.id, buyer_groups.invitation_token(party, settings), settings=settings)
        report.created["buyer_groups"] += 1


def _has_party(session, challenge_id: int, organisation_id: int) -> bool:
    return session.scalar(select(ChallengeParty.id).where(
        ChallengeParty.challenge_id == challenge_id, ChallengeParty.organisation_id == organisation_id)) is not None
