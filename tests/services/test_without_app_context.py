"""Services and e-mail composition behave the same from a plain script: no Flask app or request context.

The settings (verified buyers, base URL, link secret) come in as a ServiceSettings value; the app object is
only used here to get a database session and its URL map, never pushed as a context.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from flask import has_app_context
from sqlalchemy import select

from app.db import new_session, utcnow
from app.mail.digest_email import compose_digest
from app.models import OutboxMessage
from app.services.accounts import users as accounts
from app.services.digests.content import DigestContent, DigestEntry, Recipient
from app.services.digests.preferences import PreferenceData
from app.services.errors import Forbidden
from app.services.marketplace import challenges
from app.services.moderation import actions as moderation
from app.signed_links import read_token
from tests import pilot_scenario
from tests.factories import Factory

BASE = "https://civimatch.example/civic"  # a path prefix, as behind a reverse proxy


@pytest.fixture
def script(app):
    """A session and settings as a script would hold them; no context is pushed."""
    session = new_session(app)
    settings = replace(app.extensions["service_settings"], base_url=BASE)
    assert not has_app_context()
    yield session, settings, Factory(session, settings)
    session.close()


def test_verified_buyer_rule_holds_without_an_app_context(script):
    session, settings, make = script
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    strict = replace(settings, require_verified_buyers=True)
    with pytest.raises(Forbidden, match="verified"):
        challenges.publish_challenge(session, buyer.id, draft.id, settings=strict)
    assert challenges.publish_challenge(session, buyer.id, draft.id, settings=settings).status == "open"


def test_verified_buyer_may_publish_under_the_rule_without_an_app_context(script):
    session, settings, make = script
    buyer = make.buyer()
    admin = accounts.create_admin(session, "root@civimatch.example", "Root", "kept in a vault 42")
    moderation.set_verified(session, admin.id, buyer.organisation_id, True)
    draft = make.challenge(buyer, publish=False)
    strict = replace(settings, require_verified_buyers=True)
    assert challenges.publish_challenge(session, buyer.id, draft.id, settings=strict).status == "open"


def test_application_status_email_is_composed_without_an_app_context(script):
    session, settings, make = script
    *_, application = pilot_scenario.scored_shortlist(session, make)  # shortlisting e-mails the applicant
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "application_status")).one()
    link = f"{BASE}/applications/{application.id}"
    assert message.subject.startswith("Your application was shortlisted: ")
    assert f"See your application: {link}" in message.text_body
    assert f'href="{link}"' in message.html_body
    assert "is now: shortlisted" in message.text_body


def test_invitation_link_is_built_from_the_url_map_without_an_app_context(script):
    session, settings, make = script
    inviter = make.buyer(org_name="City of <Oulu>")
    invitation = accounts.invite_member(session, inviter.id, "new@oulu.example", settings=settings)
    message = session.scalars(select(OutboxMessage)).one()
    link = next(word for word in message.text_body.split() if word.startswith(f"{BASE}/invitations/"))
    assert read_token(settings.secret, accounts.INVITATION_PURPOSE, link.rsplit("/", 1)[1], 60) == invitation.id
    assert "City of &lt;Oulu&gt;" in message.html_body  # the HTML part is autoescaped, as in Flask


def test_digest_is_composed_without_an_app_context(app):
    settings = replace(app.extensions["service_settings"], base_url=BASE, unsubscribe_mailto="stop@civimatch.example")
    recipient = Recipient(user_id=7, email="ann@city.example", name="Ann", organisation_id=3, side="buyer",
                          preferences=PreferenceData(frequency="weekly"))
    deadline = utcnow() + timedelta(days=3, hours=1)
    content = DigestContent(matches=[DigestEntry(
        key="s:11", kind="solution", challenge_id=5, target_id=11, title="Depot charging optimiser",
        organisation_name="Volt Oy", context="for Electrify the bus depot", score=0.83,
        reasons=["same sector: Mobility"], deadline=deadline)])
    assert not has_app_context()

    email = compose_digest(recipient, content, settings.links, secret=settings.secret,
                           unsubscribe_mailto=settings.unsubscribe_mailto)

    assert email.subject == "CiviMatch digest: 1 new solution for you"
    assert f"{BASE}/solutions/11" in email.text and f'href="{BASE}/solutions/11"' in email.html
    assert "Strong match (95% likely relevant)" in email.text and "closes in 3 days" in email.text
    assert f"Change what and when you receive: {BASE}/account/digests" in email.text
    unsubscribe = email.headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE}/unsubscribe/") and "<mailto:stop@civimatch.example" in unsubscribe
    token = unsubscribe.split(",")[0].strip("<>").rsplit("/", 1)[1]
    assert read_token(settings.secret, "unsubscribe", token, 60) == {"u": 7}
