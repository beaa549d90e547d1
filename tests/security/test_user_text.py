"""User text with script and HTML payloads is escaped in pages and e-mails; e-mail headers cannot be injected."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.mail.outbox import enqueue
from app.models import OutboxMessage
from app.services.accounts import users as accounts
from app.services.moderation import actions as moderation
from app.services.moderation import reports

PAYLOADS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>']


def _assert_escaped(html: str, payload: str) -> None:
    assert payload not in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_challenge_and_solution_text_is_escaped_everywhere(app, db, make, admin, login_as, payload):
    buyer = make.buyer(name=f"Ann {payload}", org_name=f"City {payload}")
    challenge = make.challenge(buyer, title=f"T {payload}", summary=f"S {payload}",
                               problem_statement=f"P {payload}", desired_outcomes=f"D {payload}",
                               location=f"L {payload}", tags=[f"tag {payload}"[:40]])
    solution = make.solution(title=f"T {payload}", summary=f"S {payload}", description=f"D {payload}",
                             deployed_in=f"Espoo {payload}", tags=["safe"])
    reports.file_report(db, buyer.id, "solution", solution.id, f"R {payload}")
    moderation.hide_item(db, admin.id, "solution", solution.id, f"H {payload}")
    visitor, owner_client, admin_client = app.test_client(), login_as(buyer), login_as(admin)
    pages = [visitor.get(path) for path in ("/", "/challenges", f"/challenges/{challenge.id}",
                                            f"/organisations/{buyer.organisation_id}", "/challenges?q=T")]
    pages += [owner_client.get("/dashboard"), owner_client.get(f"/report/challenge/{challenge.id}")]
    pages += [admin_client.get(path) for path in ("/admin", "/admin/audit", "/admin/reports",
                                                  "/admin/items?kind=solution", "/admin/items?kind=challenge",
                                                  "/admin/users", "/admin/organisations")]
    for response in pages:
        assert response.status_code == 200
        _assert_escaped(response.get_data(as_text=True), payload)
    assert "T &lt;" in pages[2].get_data(as_text=True) or "T &#34;&gt;" in pages[2].get_data(as_text=True)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_organisation_profile_text_is_escaped(app, db, make, payload):
    user = make.innovator(org_name=f"Org {payload}")
    org = user.organisation
    org.description, org.city = f"About {payload}", f"Town {payload}"
    db.commit()
    _assert_escaped(app.test_client().get(f"/organisations/{org.id}").get_data(as_text=True), payload)
    _assert_escaped(app.test_client().get("/solutions").get_data(as_text=True), payload)


def test_names_are_escaped_in_html_emails(db, make):
    inviter = make.buyer(name='Eve <script>alert(1)</script>', org_name="<b>Evil</b> Town")
    from app.services.accounts import recovery as account_recovery

    accounts.invite_member(db, inviter.id, "new@city.example", settings=make.settings)
    account_recovery.request_password_reset(db, inviter.email, settings=make.settings)
    for message in db.scalars(select(OutboxMessage)):
        assert "<script>alert" not in message.html_body and "<b>Evil</b>" not in message.html_body
        assert "\n" not in message.subject and "\r" not in message.subject


def test_newlines_cannot_inject_email_headers(db):
    message = enqueue(db, kind="test", to_address="a@b.example\r\nBcc: victim@evil.example",
                      to_name="Ann\nBcc: x@evil.example", subject="Hello\r\nX-Injected: yes",
                      text_body="body", headers={"X-Tag\n": "v\r\nBcc: y@evil.example"})
    db.commit()
    for value in (message.to_address, message.to_name, message.subject, *message.headers, *message.headers.values()):
        assert "\n" not in value and "\r" not in value
    assert message.subject == "Hello X-Injected: yes"
