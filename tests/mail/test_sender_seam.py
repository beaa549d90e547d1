"""The EmailSender seam: delivery works with any sender; InMemorySender stands in where SMTP is not the point."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from app.db import new_session
from app.mail import delivery
from app.mail.rendering import EMAIL_TEMPLATES, email_environment
from app.mail.sender import EmailSender, InMemorySender
from app.models import OutboxMessage
from tests.mail.delivery_helpers import queue_messages

POLICY = delivery.DeliveryPolicy(mail_from="CiviMatch <digest@civimatch.test>", max_attempts=3, retry_base_s=60)


def _deliver(app, sender: EmailSender) -> delivery.DeliveryReport:
    session = new_session(app)  # no app context: delivery needs only a session, a sender and a policy
    try:
        return delivery.deliver_due(session, sender, POLICY)
    finally:
        session.close()


def test_outbox_is_delivered_into_memory_and_marked_sent(app, db):
    queue_messages(db, 3)
    sender = InMemorySender()

    report = _deliver(app, sender)

    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    assert sorted(m.recipient for m in sender.sent) == [f"reader{n}@example.org" for n in range(3)]
    first = sorted(sender.parsed(), key=lambda m: str(m["To"]))[0]
    assert first["Subject"] == "Message 0" and first.get_body(("plain",)).get_content().strip() == "Plain body 0"
    db.expire_all()
    assert Counter(db.scalars(select(OutboxMessage.status))) == Counter({"sent": 3})
    assert _deliver(app, sender).sent == 0 and len(sender.sent) == 3  # nothing is sent twice


def test_a_refused_recipient_is_retried_and_the_others_are_sent(app, db):
    queue_messages(db, 2)
    sender = InMemorySender(refuse=frozenset({"reader1@example.org"}))

    report = _deliver(app, sender)

    assert (report.sent, report.retrying) == (1, 1)
    db.expire_all()
    refused = db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "reader1@example.org")).one()
    assert (refused.status, refused.attempts) == ("queued", 1) and "recipient refused" in refused.last_error


@pytest.mark.parametrize("template", sorted(p.name for p in EMAIL_TEMPLATES.iterdir()))
def test_every_email_template_compiles_in_the_plain_environment(template):
    # An unknown filter fails at compile time: this catches a template using a web-only filter.
    assert email_environment().get_template(template) is not None
