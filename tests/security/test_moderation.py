"""Admins verify organisations, suspend users, hide and restore items; every action is in the audit log."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.models import AdminAuditEntry, Challenge, Organisation, Report, User
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenges
from app.services.moderation import actions as moderation
from app.services.moderation import reports


def test_admin_verifies_organisation_and_badge_and_audit_show(app, db, make, admin, login_as):
    buyer = make.buyer(org_name="City of Oulu")
    client = login_as(admin)
    response = client.post(f"/admin/organisations/{buyer.organisation_id}/verification", data={"verified": "1"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Organisation, buyer.organisation_id).verified is True
    assert "✓ verified" in app.test_client().get(f"/organisations/{buyer.organisation_id}").get_data(as_text=True)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "verify" in audit and "City of Oulu" in audit and admin.email in audit


def test_withdrawing_verification_needs_a_reason(db, make, admin):
    buyer = make.buyer()
    moderation.set_verified(db, admin.id, buyer.organisation_id, True)
    with pytest.raises(ValidationFailed):
        moderation.set_verified(db, admin.id, buyer.organisation_id, False, "  ")
    moderation.set_verified(db, admin.id, buyer.organisation_id, False, "Not a public body")
    assert db.scalar(select(AdminAuditEntry.reason).where(AdminAuditEntry.action == "unverify")) == "Not a public body"


def test_non_admins_cannot_moderate(db, make):
    buyer = make.buyer()
    with pytest.raises(Forbidden):
        moderation.set_verified(db, buyer.id, buyer.organisation_id, True)
    with pytest.raises(Forbidden):
        moderation.suspend_user(db, buyer.id, buyer.id, "x")


def test_unverified_buyers_cannot_publish_when_required(db, make, admin, settings):
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    strict = replace(settings, require_verified_buyers=True)
    with pytest.raises(Forbidden, match="verified"):
        challenges.publish_challenge(db, buyer.id, draft.id, settings=strict)
    moderation.set_verified(db, admin.id, buyer.organisation_id, True)
    assert challenges.publish_challenge(db, buyer.id, draft.id, settings=strict).status == "open"


def test_unverified_buyer_sees_why_publishing_fails_on_the_web(app, make, login_as, settings):
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    app.extensions["service_settings"] = replace(settings, require_verified_buyers=True)
    response = login_as(buyer).post(f"/challenges/{draft.id}/status", data={"status": "open"})
    assert response.status_code == 403


def test_suspension_ends_sessions_and_blocks_login(app, db, make, admin, login_as):
    innovator = make.innovator(email="sam@startup.example")
    victim_client = login_as(innovator)
    assert victim_client.get("/dashboard").status_code == 200
    response = login_as(admin).post(f"/admin/users/{innovator.id}/suspend", data={"reason": "Spam listings"})
    assert response.status_code == 302
    assert victim_client.get("/dashboard").status_code == 302  # the old cookie no longer works
    again = app.test_client().post("/login", data={"email": "sam@startup.example", "password": "correct horse battery"})
    assert again.status_code == 422
    db.expire_all()
    moderation.unsuspend_user(db, admin.id, innovator.id)
    assert login_as(innovator).get("/dashboard").status_code == 200
    actions = list(db.scalars(select(AdminAuditEntry.action).order_by(AdminAuditEntry.id)))
    assert actions == ["suspend", "unsuspend"]


def test_suspend_without_reason_changes_nothing(db, make, admin, login_as):
    innovator = make.innovator()
    response = login_as(admin).post(f"/admin/users/{innovator.id}/suspend", data={"reason": ""}, follow_redirects=True)
    assert "Give a reason" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, innovator.id).suspended_at is None


def test_hidden_challenge_vanishes_for_everyone_but_its_owners(app, db, make, admin, login_as):
    owner = make.buyer()
    challenge = make.challenge(owner, title="Leaky pipes everywhere")
    visitor = app.test_client()
    assert b"Leaky pipes" in visitor.get("/challenges?q=leaky").data
    admin_client = login_as(admin)
    admin_client.post(f"/admin/items/challenge/{challenge.id}/hide", data={"reason": "Duplicate <b>posting</b>"})

    assert b"Leaky pipes" not in visitor.get("/challenges?q=leaky").data
    assert b"Leaky pipes" not in visitor.get("/challenges").data
    assert b"Leaky pipes" not in visitor.get(f"/organisations/{owner.organisation_id}").data
    assert visitor.get(f"/challenges/{challenge.id}").status_code == 404
    assert login_as(make.innovator()).get(f"/challenges/{challenge.id}").status_code == 404
    page = login_as(owner).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Hidden by moderators: Duplicate &lt;b&gt;posting&lt;/b&gt;" in page

    admin_client.post(f"/admin/items/challenge/{challenge.id}/restore", data={"reason": ""})
    assert visitor.get(f"/challenges/{challenge.id}").status_code == 200
    db.expire_all()
    assert db.get(Challenge, challenge.id).hidden_reason is None


def test_hidden_solution_vanishes_from_lists_and_detail(app, db, make, admin):
    solution = make.solution(title="Snow plough router")
    moderation.hide_item(db, admin.id, "solution", solution.id, "Misleading claims")
    visitor = app.test_client()
    assert b"Snow plough" not in visitor.get("/solutions").data
    assert visitor.get(f"/solutions/{solution.id}").status_code == 404
    with pytest.raises(NotFound):
        moderation.hide_item(db, admin.id, "user", solution.id, "no such kind")


def test_admin_dashboard_counts(db, make, admin, login_as):
    make.buyer()
    make.innovator()
    page = login_as(admin).get("/admin").get_data(as_text=True)
    assert "Unverified buyers" in page and "Open reports" in page
    from app.services.moderation import admin_queries as admin_views
    counts = admin_views.counts(db, admin.id)
    assert (counts.users, counts.organisations, counts.unverified_buyers, counts.open_reports) == (3, 2, 1, 0)


def test_signed_in_user_reports_and_admin_resolves(app, db, make, admin, login_as):
    solution = make.solution(title="Suspicious sensor")
    reporter = make.buyer()
    client = login_as(reporter)
    assert client.get(f"/report/solution/{solution.id}").status_code == 200
    response = client.post(f"/report/solution/{solution.id}", data={"reason": "Looks like a scam"})
    assert response.status_code == 302
    duplicate = client.post(f"/report/solution/{solution.id}", data={"reason": "again"})
    assert duplicate.status_code == 422

    admin_client = login_as(admin)
    queue = admin_client.get("/admin/reports").get_data(as_text=True)
    assert "Suspicious sensor" in queue and "Looks like a scam" in queue
    report_id = db.scalar(select(Report.id))
    admin_client.post(f"/admin/reports/{report_id}/handle", data={"outcome": "dismissed", "note": "Legit firm"})
    db.expire_all()
    assert db.get(Report, report_id).status == "dismissed"
    assert "Suspicious sensor" not in admin_client.get("/admin/reports").get_data(as_text=True)
    assert db.scalar(select(AdminAuditEntry.action)) == "dismiss_report"


def test_reports_need_sign_in_and_a_visible_item(app, db, make):
    draft = make.challenge(publish=False)
    assert app.test_client().get(f"/report/challenge/{draft.id}").status_code == 302
    other = make.innovator()
    with pytest.raises(NotFound):
        reports.file_report(db, other.id, "challenge", draft.id, "cannot see it")
    with pytest.raises(ValidationFailed):
        reports.file_report(db, other.id, "organisation", draft.organisation_id, "")
