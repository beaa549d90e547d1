"""Joint challenges: every challenge, application, evaluation and pilot route × every kind of party.

Ids belong to someone: one awarded joint challenge with criteria, a scored and awarded application and a
private pilot, led by one buyer, co-owned by a second, observed by a third; a fourth is invited but has not
accepted, a fifth was a co-owner and was removed. Each role runs on a fresh world, so what one role changes
cannot mask what another may do.
"""
from __future__ import annotations

import pytest

from app.services.accounts import users as accounts
from app.services.marketplace import buyer_groups
from app.services.procurement import pilots
from tests.factories import PASSWORD, Factory
from tests.joint_scenario import join
from tests.pilot_scenario import award_data, scored_shortlist

ROLES = ("lead", "co_owner", "observer", "invited", "removed", "other_buyer", "innovator", "anon", "admin")
DENIED = {403, 404}
TO_LOGIN = {302, 401}
HANDLED = {200, 302, 400, 409, 422}  # a party's own request: done or refused for a reason, never denied
OUTSIDERS = ("invited", "removed", "other_buyer", "innovator", "admin")


def expect(lead, co_owner, observer, outsiders=DENIED, anon=TO_LOGIN) -> dict[str, set[int]]:
    sets = {"lead": lead, "co_owner": co_owner, "observer": observer, "anon": anon}
    sets.update({role: outsiders for role in OUTSIDERS})
    return {role: {v} if isinstance(v, int) else set(v) for role, v in sets.items()}


READ = expect(200, 200, 200)
MANAGE = expect(HANDLED, HANDLED, 403)
LEAD_ONLY = expect(HANDLED, 403, 403)
APPLICANT_ONLY = expect(404, 404, 404)
PRIVATE_PILOT_READ = expect(200, 200, 200, outsiders=404, anon=404)
PRIVATE_PILOT_MANAGE = expect(HANDLED, HANDLED, 403, outsiders=404)
CASES: list[tuple[str, str, str, dict]] = [
    # (method, path template, form kind, expectations)
    ("GET", "/challenges/{challenge}", "", expect(200, 200, 200, outsiders=200, anon=200)),
    ("GET", "/challenges/{challenge}/edit", "", MANAGE),
    ("POST", "/challenges/{challenge}/edit", "edit", MANAGE),
    ("POST", "/challenges/{challenge}/status", "close", MANAGE),
    ("POST", "/challenges/{challenge}/status", "cancel", LEAD_ONLY),
    ("GET", "/challenges/{challenge}/buyers", "", READ),
    ("POST", "/challenges/{challenge}/buyers", "invite", LEAD_ONLY),
    ("POST", "/challenges/{challenge}/buyers/{invited_org}/remove", "", LEAD_ONLY),
    ("GET", "/challenges/{challenge}/criteria", "", MANAGE),
    ("POST", "/challenges/{challenge}/criteria", "criteria", MANAGE),
    ("GET", "/challenges/{challenge}/evaluation", "", READ),
    ("POST", "/challenges/{challenge}/conflict-declaration", "declare", MANAGE),
    ("GET", "/challenges/{challenge}/award", "", MANAGE),
    ("POST", "/challenges/{challenge}/award", "award", MANAGE),
    ("GET", "/applications/{application}", "", READ),
    ("GET", "/applications/{application}/score", "", expect(200, 200, 403, outsiders=404)),
    ("POST", "/applications/{application}/score", "score", expect(HANDLED, HANDLED, 403, outsiders=404)),
    ("POST", "/applications/{application}/decision", "decide", expect(HANDLED, HANDLED, 403, outsiders=404)),
    ("POST", "/applications/{application}/withdraw", "", APPLICANT_ONLY),
    ("GET", "/pilots/{pilot}", "", PRIVATE_PILOT_READ),
    ("GET", "/pilots/{pilot}/evaluate", "", PRIVATE_PILOT_MANAGE),
    ("POST", "/pilots/{pilot}/evaluate", "evaluate", PRIVATE_PILOT_MANAGE),
    ("POST", "/pilots/{pilot}/status", "pilot_status", PRIVATE_PILOT_MANAGE),
    ("POST", "/pilots/{pilot}/milestones", "milestone", PRIVATE_PILOT_MANAGE),
    ("POST", "/pilots/{pilot}/measurements", "measurement", PRIVATE_PILOT_MANAGE),
    ("POST", "/pilots/{pilot}/spend", "spend", PRIVATE_PILOT_MANAGE),
]
MATRIX_SIZE = len(CASES) * len(ROLES)


def _world(db, settings) -> dict:
    make = Factory(db, settings)
    lead, innovator, challenge, _solution, application = scored_shortlist(db, make)
    world = {
        "lead": lead, "co_owner": make.buyer(email="co@amsterdam.example"),
        "observer": make.buyer(email="observer@tallinn.example"), "invited": make.buyer(email="inv@paris.example"),
        "removed": make.buyer(email="gone@oslo.example"), "other_buyer": make.buyer(email="other@pune.example"),
        "innovator": make.innovator(email="rival@startup.example"), "anon": None,
        "admin": accounts.create_admin(db, "admin@civimatch.test", "Admin", PASSWORD),
        "challenge": challenge.id, "application": application.id, "applicant": innovator,
    }
    join(db, settings, lead, challenge, world["co_owner"])
    join(db, settings, lead, challenge, world["observer"], "observer")
    join(db, settings, lead, challenge, world["removed"])
    buyer_groups.remove(db, lead.id, challenge.id, world["removed"].organisation_id)
    buyer_groups.invite(db, lead.id, challenge.id, world["invited"].organisation_id, "co_owner", settings=settings)
    world["invited_org"] = world["invited"].organisation_id
    world["pilot"] = pilots.award_to_application(db, lead.id, application.id, award_data(is_public=False),
                                                 settings=settings).id
    return world


def _form(kind: str, world: dict) -> dict:
    pilot_id = world["pilot"]
    forms = {
        "edit": {"title": "Changed", "summary": "s", "problem_statement": "p", "sector": "mobility",
                 "trl_expected": "6", "country": "FI", "currency": "EUR", "deadline": "2099-01-01"},
        "close": {"status": "closed"}, "cancel": {"status": "cancelled"},
        "invite": {"organisation_id": str(world["other_buyer"].organisation_id), "role": "observer"},
        "criteria": {"criteria": "Impact | 100"}, "declare": {"no_conflict": "yes"},
        "award": {"target": f"application:{world['application']}", "site": "Depot", "contract_value": "1",
                  "currency": "EUR", "start_date": "2025-01-01", "end_date": "2025-02-01"},
        "score": {}, "decide": {"decision": "rejected", "reason": "matrix"},
        "evaluate": {"outcome": "adopted", "rating": "4", "lessons_learned": "ok"},
        "pilot_status": {"status": "running"}, "milestone": {"milestone_id": "1", "completed_on": "2025-01-02"},
        "measurement": {"kpi_id": "1", "measured_on": "2025-01-02", "value": "1"},
        "spend": {"spent_on": "2025-01-02", "amount": "1", "description": f"pilot {pilot_id}"},
    }
    return forms.get(kind, {})


def test_the_matrix_covers_every_route_of_a_challenge_application_and_pilot(app):
    covered = {(method, path.split("{")[0].rstrip("/").split("/")[1]) for method, path, _, _ in CASES}
    assert {("GET", "challenges"), ("POST", "challenges"), ("GET", "applications"), ("POST", "applications"),
            ("GET", "pilots"), ("POST", "pilots")} <= covered
    assert MATRIX_SIZE == 26 * 9


@pytest.mark.parametrize("role", ROLES)
def test_joint_challenge_matrix(app, db, settings, role):
    world = _world(db, settings)
    client = app.test_client()
    if world[role] is not None:
        assert client.post("/login", data={"email": world[role].email, "password": PASSWORD}).status_code == 302
    failures = []
    # Reads first, then changes, and the lead-only ones (cancel, removal) last so they do not end the run early.
    for method, template, kind, expected in sorted(CASES, key=lambda c: (c[0] != "GET", c[2] == "cancel")):
        path = template.format(**world)
        response = client.open(path, method=method, data=_form(kind, world) if method == "POST" else None)
        if response.status_code not in expected[role]:
            failures.append(f"{method} {path} as {role}: {response.status_code}, expected {sorted(expected[role])}")
    assert failures == []
