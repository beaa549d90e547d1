"""Buyer groups: the lead buyer invites co-owning and observing organisations to a challenge through a signed,
expiring link; a member of the invited organisation accepts; only the lead removes a party.

Who may then do what is decided in one place, ``app.services.marketplace.challenge_access``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import Challenge, ChallengeParty, Organisation, User
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.settings import ServiceSettings
from app.signed_links import TokenInvalid, make_token, read_token

PARTY_ROLES = {"co_owner": "Co-owner", "observer": "Observer"}
INVITATION_PURPOSE = "buyer-group-invitation"
OPEN_TO_INVITES = ("draft", "open", "evaluation")


@dataclass
class Party:
    """One line of a challenge's buyer group, for pages, the API and open data."""

    organisation: Organisation
    role: str  # lead | co_owner | observer
    status: str  # accepted for the lead; invited | accepted | removed for the others


def buyers_of(session: Session, challenge: Challenge) -> list[Organisation]:
    """Every buying organisation of a challenge (lead, then accepted co-owners): what the public sees."""
    session.refresh(challenge, ["parties"])  # a party may have changed in this session since it was loaded
    return challenge.buyers


def parties_of(session: Session, challenge: Challenge, *, include_inactive: bool = False) -> list[Party]:
    """The lead, then co-owners, then observers; invited and removed ones only with ``include_inactive``."""
    rows = session.scalars(select(ChallengeParty).where(ChallengeParty.challenge_id == challenge.id)
                           .order_by(ChallengeParty.role, ChallengeParty.invited_at, ChallengeParty.id))
    others = [Party(r.organisation, r.role, r.status) for r in rows if include_inactive or r.status == "accepted"]
    return [Party(challenge.organisation, "lead", "accepted"), *others]


def group_for(session: Session, actor_id: int, challenge_id: int) -> tuple[Challenge, list[Party]]:
    """The challenge and its whole group (pending and removed parties too), for its buyers and observers."""
    challenge = access.authorise(session, actor_id, challenge_id, access.READ)
    return challenge, parties_of(session, challenge, include_inactive=True)


def invitable_organisations(session: Session, challenge: Challenge) -> list[Organisation]:
    """Buying organisations that are not an active party yet (the invite form's choices)."""
    active = select(ChallengeParty.organisation_id).where(
        ChallengeParty.challenge_id == challenge.id, ChallengeParty.status != "removed")
    return list(session.scalars(select(Organisation).where(
        Organisation.side == "buyer", Organisation.id != challenge.organisation_id,
        Organisation.id.not_in(active)).order_by(Organisation.name)))


def invite(session: Session, actor_id: int, challenge_id: int, organisation_id: int, role: str, *,
           settings: ServiceSettings, notify: bool = True) -> ChallengeParty:
    """Invite a buying organisation as co-owner or observer; each of its members gets the link by e-mail
    (``notify=False``: no e-mail, for the demo data, which accepts with ``invitation_token`` at once)."""
    challenge = access.authorise(session, actor_id, challenge_id, access.LEAD)
    if role not in PARTY_ROLES:
        raise ValidationFailed({"role": "Choose co-owner or observer."})
    if challenge.status not in OPEN_TO_INVITES:
        raise Conflict(f"This challenge is {challenge.status}: it takes no new buyers or observers.")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.side != "buyer":
        raise ValidationFailed({"organisation_id": "Choose a buying organisation from the list."})
    if organisation.id == challenge.organisation_id:
        raise Conflict("Your organisation already leads this challenge.", "organisation_id")
    party = _party(session, challenge.id, organisation.id)
    if party is not None and party.status != "removed":
        what = "a co-owner" if party.role == "co_owner" else "an observer"
        state = "already" if party.status == "accepted" else "already invited as"
        raise Conflict(f"{organisation.name} is {state} {what} of this challenge.", "organisation_id")
    party = party or ChallengeParty(challenge_id=challenge.id, organisation_id=organisation.id)
    # A re-invitation after removal starts afresh; the new invited_at also voids the old links (see _token).
    party.role, party.status, party.invited_by_id = role, "invited", actor_id
    party.invited_at, party.accepted_at, party.accepted_by_id, party.removed_at = utcnow(), None, None, None
    session.add(party)
    session.flush()
    if notify:
        _send_invitation(session, party, session.get(User, actor_id), settings)
    session.commit()
    return party


def _party(session: Session, challenge_id: int, organisation_id: int) -> ChallengeParty | None:
    return session.scalar(select(ChallengeParty).where(
        ChallengeParty.challenge_id == challenge_id, ChallengeParty.organisation_id == organisation_id))


def invitation_token(party: ChallengeParty, settings: ServiceSettings) -> str:
    """The signed token of the party's current invitation (the link e-mailed to its members)."""
    return make_token(settings.secret, INVITATION_PURPOSE, [party.id, _stamp(party)])


def _stamp(party: ChallengeParty) -> int:
    # Microseconds, so a re-invitation within the same second still voids the earlier link.
    return int(party.invited_at.timestamp() * 1_000_000)


def _send_invitation(session: Session, party: ChallengeParty, inviter: User, settings: ServiceSettings) -> None:
    link = settings.links.url("buyer_groups.accept", token=invitation_token(party, settings))
    days = max(1, settings.invitation_max_age_s // 86400)
    subject = f"{party.challenge.organisation.name} invites {party.organisation.name} to a joint challenge"
    for member in party.organisation.members:
        text, html = render_email("buyer_group_invitation", inviter=inviter, party=party, role=PARTY_ROLES[party.role],
                                  challenge=party.challenge, link=link, days=days)
        enqueue(session, kind="buyer_group_invitation", to_address=member.email, to_name=member.name,
                subject=subject, text_body=text, html_body=html, user_id=member.id)


def invitation_from_token(session: Session, actor_id: int, token: str, *,
                          settings: ServiceSettings) -> ChallengeParty:
    """The pending invitation a link points to, for a member of the invited organisation; NotFound otherwise."""
    try:
        party_id, stamp = read_token(settings.secret, INVITATION_PURPOSE, token, settings.invitation_max_age_s)
    except TokenInvalid as exc:
        raise NotFound("This invitation link has expired: ask the lead buyer to invite you again." if exc.expired
                       else "This invitation link is not valid.") from exc
    except (TypeError, ValueError) as exc:
        raise NotFound("This invitation link is not valid.") from exc
    party = session.get(ChallengeParty, party_id) if isinstance(party_id, int) else None
    if party is None or party.status != "invited" or _stamp(party) != stamp:
        raise NotFound("This invitation has already been answered or was withdrawn.")
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id != party.organisation_id:
        raise Forbidden(f"This invitation is for members of {party.organisation.name}.")
    return party


def accept(session: Session, actor_id: int, token: str, *, settings: ServiceSettings) -> ChallengeParty:
    """Accept a buyer-group invitation on behalf of the actor's organisation."""
    party = invitation_from_token(session, actor_id, token, settings=settings)
    party.status, party.accepted_at, party.accepted_by_id = "accepted", utcnow(), actor_id
    session.commit()
    return party


def remove(session: Session, actor_id: int, challenge_id: int, organisation_id: int) -> ChallengeParty:
    """Remove a co-owner or observer (or withdraw its invitation): the lead's call alone."""
    challenge = access.authorise(session, actor_id, challenge_id, access.LEAD)
    party = _party(session, challenge.id, organisation_id)
    if party is None or party.status == "removed":
        raise Conflict("This organisation is not part of the challenge's buyer group.")
    party.status, party.removed_at = "removed", utcnow()
    session.commit()
    return party
