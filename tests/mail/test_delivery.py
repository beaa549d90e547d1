"""Outbox delivery into a real SMTP server: MIME structure, safe headers, retries, faults, exactly-once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.db import new_session, utcnow
from app.mail import delivery
from app.models import OutboxMessage
from tests.mail.delivery_helpers import queue_messages, run_delivery


def _statuses(db) -> Counter:
    db.expire_all()
    return Counter(db.scalars(select(OutboxMessage.status)))


def test_message_is_multipart_alternative_with_text_and_html(app, db, smtp_server):
    queue_messages(db, 1, headers={"List-Unsubscribe": "<http://civimatch.test/unsubscribe/x>",
                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    report = run_delivery(app)
    assert report.sent == 1
    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content().strip() == "Plain body 0"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["From"] == "CiviMatch <digest@civimatch.test>"
    assert message["Message-ID"].startswith("<outbox-")
    assert _statuses(db) == {"sent": 1}


def test_newlines_in_names_and_subjects_cannot_inject_headers(app, db, smtp_server):
    queue_messages(db, 1, to_name="Eve\r\nBcc: victim@evil.example", subject="Hello\nBcc: victim@evil.example",
                   headers={"Bcc": "victim@evil.example", "List-Id": "digest\r\nX-Injected: yes"})
    run_delivery(app)
    [envelope] = smtp_server.handler.envelopes
    [message] = smtp_server.messages
    assert envelope.rcpt_tos == ["reader0@example.org"]
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"] == "Hello Bcc: victim@evil.example"
    assert "victim" not in str(message["To"].addresses[0].addr_spec)


def test_many_messages_share_one_smtp_connection(app, db, smtp_server):
    queue_messages(db, 5)
    assert run_delivery(app).sent == 5
    assert len(smtp_server.handler.envelopes) == 5
    assert len(smtp_server.handler.sessions) == 1


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "550 5.1.1 Mailbox unavailable"])
def test_refused_message_is_retried_with_backoff_then_failed(app, db, smtp_server, reply):
    [message_id] = queue_messages(db, 1)
    smtp_server.handler.reply = reply
    slow = delivery.DeliveryPolicy(mail_from="a@civimatch.test", max_attempts=3, retry_base_s=60)
    first = run_delivery(app, policy=slow)
    assert (first.sent, first.retrying) == (0, 1)
    row = db.get(OutboxMessage, message_id)
    db.refresh(row)
    assert row.status == "queued" and row.attempts == 1 and reply[:3] in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # back-off: not retried at once
    assert run_delivery(app, policy=slow).retrying == 0
    db.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.commit()
    assert run_delivery(app, policy=slow).retrying == 1  # attempt 2
    db.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.commit()
    assert run_delivery(app, policy=slow).failed == 1  # attempt 3 = the last allowed
    db.refresh(row)
    assert (row.status, row.attempts) == ("failed", 3)
    assert smtp_server.handler.envelopes == []


def test_backoff_doubles_and_is_capped():
    assert [delivery.backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert delivery.backoff(30, 60) == delivery.MAX_BACKOFF


def test_server_stopped_mid_run_then_restarted_delivers_every_message_exactly_once(app, db, smtp_server):
    queue_messages(db, 10)
    progressed = []

    def stop_after_four(n):
        progressed.append(n)
        if len(progressed) == 4:
            smtp_server.stop()

    first = run_delivery(app, progress=stop_after_four)
    assert first.sent == 4 and first.server_gone
    assert _statuses(db)["sent"] == 4
    smtp_server.start()
    second = run_delivery(app)
    assert first.sent + second.sent == 10
    subjects = Counter(message["Subject"] for message in smtp_server.messages)
    assert subjects == Counter(f"Message {n}" for n in range(10))
    assert _statuses(db) == {"sent": 10}


def test_unreachable_server_keeps_messages_queued(app, db, smtp_server):
    queue_messages(db, 3)
    smtp_server.stop()
    report = run_delivery(app)
    assert report.sent == 0 and report.server_gone
    db.expire_all()
    rows = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["queued"] * 3
    assert rows[0].attempts == 1 and rows[0].last_error  # the one that met the dead server
    assert all(r.claim_token is None for r in rows)


def test_claim_left_by_a_killed_worker_is_delivered_once_after_the_lease_expires(app, db, smtp_server):
    queue_messages(db, 3)
    with app.app_context():
        dead = new_session(app)
        token, claimed = delivery.claim_batch(dead, 10, lease_s=300)  # the worker dies right after claiming
        dead.close()
    assert len(claimed) == 3
    assert run_delivery(app).sent == 0  # still leased: nobody else may send them
    db.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert run_delivery(app).sent == 3
    assert run_delivery(app).sent == 0
    assert len(smtp_server.messages) == 3
    with app.app_context():
        late = new_session(app)
        assert delivery.mark_sent(late, claimed[0].id, token) is False  # the old claim can no longer write
        late.close()


def test_two_delivery_runs_at_once_send_each_message_exactly_once(app, db, smtp_server):
    queue_messages(db, 40)
    barrier = threading.Barrier(2)
    reports = []

    def worker():
        barrier.wait()
        reports.append(run_delivery(app, batch_size=5))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 40
    ids = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(ids) == 40 and set(ids.values()) == {1}
    assert _statuses(db) == {"sent": 40}


def test_non_ascii_names_subject_and_bodies_arrive_intact(app, db, smtp_server):
    subject = "Hyvää päivää – “uudet haasteet” Jyväskylästä ja Neuvostoliitosta, osa " + "pitkä " * 12
    [message_id] = queue_messages(db, 1, to_name="Äijä Ölander", subject=subject)
    row = db.get(OutboxMessage, message_id)
    row.text_body, row.html_body = "Päivää · 83% match “Depot”\n.dot line\n", "<p>Päivää · “Depot”</p>"
    db.commit()
    assert run_delivery(app).sent == 1
    [message] = smtp_server.messages
    assert message["Subject"] == subject.strip()
    assert message["To"].addresses[0].display_name == "Äijä Ölander"
    assert message.get_body(("plain",)).get_content() == "Päivää · 83% match “Depot”\n.dot line\n"
    assert message.get_body(("html",)).get_content() == "<p>Päivää · “Depot”</p>"
    assert all(len(line) <= 998 for line in smtp_server.handler.envelopes[0].original_content.split(b"\r\n"))


def test_long_list_unsubscribe_stays_on_one_line(app, db, smtp_server):
    url = "https://civimatch.test/unsubscribe/" + "x" * 300
    queue_messages(db, 1, headers={"List-Unsubscribe": f"<{url}>"})
    run_delivery(app)
    raw = smtp_server.handler.envelopes[0].original_content
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in raw


def test_message_that_cannot_be_written_safely_fails_at_once_and_the_run_goes_on(app, db, smtp_server):
    bad, good = queue_messages(db, 2)
    db.execute(update(OutboxMessage).where(OutboxMessage.id == bad)
               .values(to_address="a@example.org, victim@evil.example"))
    db.commit()
    report = run_delivery(app)
    assert (report.sent, report.failed) == (1, 1)
    row = db.get(OutboxMessage, bad)
    db.refresh(row)
    assert row.status == "failed" and row.last_error.startswith("cannot build the message")
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["reader1@example.org"]]
