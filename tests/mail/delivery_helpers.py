"""Run the outbox delivery service the way the CLI does, against the test app's SMTP settings."""
from __future__ import annotations

from app.db import new_session
from app.mail import delivery
from app.mail.outbox import enqueue
from app.mail.smtp import SmtpSender, SmtpSettings


def run_delivery(app, **kwargs) -> delivery.DeliveryReport:
    with app.app_context():
        session = new_session(app)
        try:
            with SmtpSender(SmtpSettings.from_config(app.config)) as sender:
                policy = kwargs.pop("policy", None) or delivery.DeliveryPolicy.from_config(app.config)
                return delivery.deliver_due(session, sender, policy, **kwargs)
        finally:
            session.close()


def queue_messages(db, count: int, **overrides) -> list[int]:
    ids = []
    for n in range(count):
        message = enqueue(db, kind="test", to_address=overrides.get("to_address", f"reader{n}@example.org"),
                          to_name=overrides.get("to_name", f"Reader {n}"),
                          subject=overrides.get("subject", f"Message {n}"),
                          text_body=f"Plain body {n}", html_body=f"<p>HTML body {n}</p>",
                          headers=overrides.get("headers"))
        db.flush()
        ids.append(message.id)
    db.commit()
    return ids
