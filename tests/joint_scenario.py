"""Builders for joint-challenge tests: invite a buyer organisation and accept through the e-mailed link."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.models import OutboxMessage
from app.services.marketplace import buyer_groups

LINK = re.compile(r"/buyer-invitations/([A-Za-z0-9_.\-]+)")


def invitation_token(db, member) -> str:
    """The token of the newest buyer-group invitation e-mailed to ``member``."""
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == member.email,
                                                    OutboxMessage.kind == "buyer_group_invitation")
                        .order_by(OutboxMessage.id.desc()))
    return LINK.search(message.text_body).group(1)


def join(db, settings, lead, challenge, member, role: str = "co_owner"):
    """Invite ``member``'s organisation and accept as ``member``; returns the party."""
    buyer_groups.invite(db, lead.id, challenge.id, member.organisation_id, role, settings=settings)
    return buyer_groups.accept(db, member.id, invitation_token(db, member), settings=settings)
