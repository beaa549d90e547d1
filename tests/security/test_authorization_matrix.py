"""Every route × anonymous, innovator, buyer of another organisation, owner and admin: the expected status.

A new route fails `test_every_route_is_classified` until it is added to MATRIX below, so each feature states
who may use it. URL ids point at the owner's DRAFTS (the strictest case): nobody else may read or change them.
"""
from __future__ import annotations

import pytest

from app.services.accounts import users as accounts
from tests.factories import PASSWORD, Factory
from tests.security.routes import rules, sample_path

ROLES = ("anon", "innovator", "other_buyer", "owner", "admin")
DENIED = {403, 404}
TO_LOGIN = {302, 401}
CHANGED_OR_REFUSED = {200, 302, 400, 409, 422}  # the owner's own request: handled, never denied or crashed


def E(anon, innovator, other_buyer, owner, admin):
    sets = [{s} if isinstance(s, int) else set(s) for s in (anon, innovator, other_buyer, owner, admin)]
    return dict(zip(ROLES, sets, strict=True))


PUBLIC = E(200, 200, 200, 200, 200)
SIGNED_IN = E(TO_LOGIN, 200, 200, 200, 200)
OWNER_ONLY = E(TO_LOGIN, DENIED, DENIED, 200, DENIED)
OWNER_POST = E(TO_LOGIN, DENIED, DENIED, CHANGED_OR_REFUSED, DENIED)
ADMIN_GET = E(TO_LOGIN, 403, 403, 403, 200)
ADMIN_POST = E(TO_LOGIN, 403, 403, 403, CHANGED_OR_REFUSED | {404})
SIGNED_IN_POST = E(TO_LOGIN, CHANGED_OR_REFUSED, CHANGED_OR_REFUSED, CHANGED_OR_REFUSED, CHANGED_OR_REFUSED)
BAD_TOKEN = E(404, 404, 404, 404, 404)
API_PUBLIC = PUBLIC
API_DRAFT = E(404, 404, 404, 404, 404)  # the API ignores session cookies: a draft is not found without a token
API_TOKEN_ONLY = E(401, 401, 401, 401, 401)
NOBODY_ELSES = E(TO_LOGIN, DENIED, DENIED, DENIED, DENIED)  # an id that is nobody's here: never served

MATRIX: dict[tuple[str, str], dict[str, set[int]]] = {
    # public pages
    ("main.index", "GET"): PUBLIC, ("challenges.index", "GET"): PUBLIC, ("solutions.index", "GET"): PUBLIC,
    ("organisations.detail", "GET"): PUBLIC, ("pilots.index", "GET"): PUBLIC,
    ("open_data.index", "GET"): PUBLIC, ("open_data.ocds", "GET"): PUBLIC,
    ("open_data.statistics_page", "GET"): PUBLIC, ("api_pages.reference", "GET"): PUBLIC,
    ("open_data.csv_export", "GET"): E(404, 404, 404, 404, 404),  # sample name: no such export
    ("auth.login", "GET"): PUBLIC, ("auth.signup", "GET"): PUBLIC, ("recovery.forgot_password", "GET"): PUBLIC,
    ("auth.signup_sent", "GET"): PUBLIC,
    ("auth.login", "POST"): E(422, 422, 422, 422, 422), ("auth.signup", "POST"): E(422, 422, 422, 422, 422),
    ("recovery.forgot_password", "POST"): E(422, 422, 422, 422, 422),
    # signed links with a bad token
    ("auth.accept_invitation", "GET"): BAD_TOKEN, ("auth.accept_invitation", "POST"): BAD_TOKEN,
    ("recovery.reset_password", "GET"): BAD_TOKEN, ("recovery.reset_password", "POST"): BAD_TOKEN,
    ("recovery.confirm_email", "GET"): BAD_TOKEN,
    ("digests.unsubscribe", "GET"): E({400, 404}, {400, 404}, {400, 404}, {400, 404}, {400, 404}),
    ("digests.unsubscribe_post", "POST"): E({400, 404}, {400, 404}, {400, 404}, {400, 404}, {400, 404}),
    # the signed-in user's own things
    ("main.dashboard", "GET"): SIGNED_IN, ("auth.account", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): E(TO_LOGIN, 422, 422, 422, 422),
    ("auth.invite", "POST"): E(TO_LOGIN, 422, 422, 422, {403, 422}),
    ("auth.logout", "POST"): E(TO_LOGIN, 302, 302, 302, 302),
    ("personal_data.overview", "GET"): SIGNED_IN, ("personal_data.download", "GET"): SIGNED_IN,
    ("personal_data.delete_account", "POST"): E(TO_LOGIN, 422, 422, 422, 422),  # no password: nothing erased
    ("personal_data_admin.admin_download", "POST"): ADMIN_POST, ("personal_data_admin.admin_erase", "POST"): ADMIN_POST,
    ("recovery.resend_confirmation", "POST"): E(TO_LOGIN, 302, 302, 302, 302),
    ("digests.settings", "GET"): SIGNED_IN, ("digests.settings", "POST"): SIGNED_IN_POST,
    ("api_pages.create_token", "POST"): SIGNED_IN_POST,
    ("api_pages.revoke_token", "POST"): E(TO_LOGIN, DENIED, DENIED, DENIED, DENIED),
    ("matches.overview", "GET"): E(TO_LOGIN, 200, 200, 200, {200, 403}),
    ("hidden_matches.hidden", "GET"): E(TO_LOGIN, 200, 200, 200, {200, 403}),
    # restores only a pair the actor's own organisation hid; anything else changes nothing
    ("hidden_matches.restore", "POST"): E(TO_LOGIN, {302, 400}, {302, 400}, {302, 400}, {302, 400, 403}),
    ("digests.saved", "GET"): SIGNED_IN,
    ("matches.feedback", "POST"): E(TO_LOGIN, {400, 403, 404, 422}, {400, 403, 404, 422}, {400, 403, 404, 422},
                                    {400, 403, 404, 422}),
    ("applications.mine", "GET"): E(TO_LOGIN, 200, {200, 403}, {200, 403}, {200, 403}),
    # creating items: the side decides
    ("challenges.new", "GET"): E(TO_LOGIN, 302, 200, 200, 302),
    ("challenges.new", "POST"): E(TO_LOGIN, 302, 422, 422, 302),
    ("solutions.new", "GET"): E(TO_LOGIN, 200, 302, 200, 302),
    ("solutions.new", "POST"): E(TO_LOGIN, 422, 302, 422, 302),
    # the owner's drafts: challenge routes (owner = buyer A), solution routes (owner = innovator B)
    ("challenges.detail", "GET"): E(404, 404, 404, 200, 404),
    ("solutions.detail", "GET"): E(404, 404, 404, 200, 404),
    ("challenges.edit", "GET"): OWNER_ONLY, ("challenges.edit", "POST"): OWNER_POST,
    ("solutions.edit", "GET"): OWNER_ONLY, ("solutions.edit", "POST"): OWNER_POST,
    ("challenges.change_status", "POST"): OWNER_POST, ("solutions.change_status", "POST"): OWNER_POST,
    ("organisations.edit", "GET"): OWNER_ONLY, ("organisations.edit", "POST"): OWNER_POST,
    ("matches.for_challenge", "GET"): OWNER_ONLY, ("matches.for_solution", "GET"): OWNER_ONLY,
    ("matches.similar", "GET"): E(TO_LOGIN | {404}, 404, 404, 200, 404),
    ("applications.ranking", "GET"): OWNER_ONLY,
    ("applications.criteria", "GET"): OWNER_ONLY, ("applications.criteria", "POST"): OWNER_POST,
    ("applications.declare", "POST"): OWNER_POST,
    ("pilots.award", "GET"): E(TO_LOGIN, DENIED, DENIED, {200, 409}, DENIED),
    ("pilots.award", "POST"): OWNER_POST,
    # nobody applies to a draft; the buyer who owns it is sent back with a message (302)
    ("applications.apply", "GET"): E(TO_LOGIN, DENIED, DENIED, DENIED | {302}, DENIED),
    ("applications.apply", "POST"): E(TO_LOGIN, DENIED, DENIED, DENIED | {302}, DENIED),
    ("digests.save_challenge", "POST"): E(TO_LOGIN, DENIED, DENIED, {302, 403, 404}, DENIED),
    ("reports.new", "GET"): E(TO_LOGIN, 404, 404, 200, 404), ("reports.new", "POST"): OWNER_POST,
    # buyer groups (joint challenges; the full lead/co-owner/observer matrix is test_joint_challenge_matrix.py)
    ("buyer_groups.group", "GET"): OWNER_ONLY, ("buyer_groups.invite", "POST"): OWNER_POST,
    ("buyer_groups.remove", "POST"): OWNER_POST,
    ("buyer_groups.accept", "GET"): E(TO_LOGIN, 404, 404, 404, 404),
    ("buyer_groups.accept", "POST"): E(TO_LOGIN, 404, 404, 404, 404),
    # objects of other features at id 1, which nobody here owns
    ("applications.detail", "GET"): NOBODY_ELSES, ("applications.decide", "POST"): NOBODY_ELSES,
    ("applications.score", "GET"): NOBODY_ELSES, ("applications.score", "POST"): NOBODY_ELSES,
    ("applications.withdraw", "POST"): NOBODY_ELSES,
    ("pilots.detail", "GET"): E(404, 404, 404, 404, 404), ("pilots.evaluate", "GET"): NOBODY_ELSES,
    ("pilots.evaluate", "POST"): NOBODY_ELSES, ("pilots.measurement", "POST"): NOBODY_ELSES,
    ("pilots.milestone", "POST"): NOBODY_ELSES, ("pilots.spend", "POST"): NOBODY_ELSES,
    ("pilots.change_status", "POST"): NOBODY_ELSES,
    # platform administration
    ("admin.dashboard", "GET"): ADMIN_GET, ("admin.audit", "GET"): ADMIN_GET, ("admin.items", "GET"): ADMIN_GET,
    ("admin.organisations", "GET"): ADMIN_GET, ("admin.users", "GET"): ADMIN_GET,
    ("admin.report_queue", "GET"): ADMIN_GET, ("admin.hide", "POST"): ADMIN_POST,
    ("admin.restore", "POST"): ADMIN_POST, ("admin.set_verification", "POST"): ADMIN_POST,
    ("admin.suspend", "POST"): ADMIN_POST, ("admin.unsuspend", "POST"): ADMIN_POST,
    ("admin.handle_report", "POST"): ADMIN_POST,
    ("digest_admin.preview_lookup", "GET"): E(TO_LOGIN, 403, 403, 403, {200, 302}),
    ("digest_admin.preview", "GET"): ADMIN_GET,
    ("digest_admin.preview_html", "GET"): E(TO_LOGIN, 403, 403, 403, {200, 404}),
    ("digest_admin.outbox", "GET"): ADMIN_GET,
    ("digest_admin.retry", "POST"): ADMIN_POST, ("digest_admin.retry_failed", "POST"): ADMIN_POST,
    # the JSON API authenticates by token only: session cookies give no access
    ("api.get_openapi_document", "GET"): API_PUBLIC, ("api.list_challenges", "GET"): API_PUBLIC,
    ("api.list_solutions", "GET"): API_PUBLIC, ("api.list_organisations", "GET"): API_PUBLIC,
    ("api.list_pilots", "GET"): API_PUBLIC, ("api.get_organisation", "GET"): API_PUBLIC,
    ("api.get_challenge", "GET"): API_DRAFT, ("api.get_solution", "GET"): API_DRAFT,
    ("api.get_pilot", "GET"): API_DRAFT,
    ("api.create_challenge", "POST"): API_TOKEN_ONLY, ("api.update_challenge", "PATCH"): API_TOKEN_ONLY,
    ("api.change_challenge_status", "POST"): API_TOKEN_ONLY, ("api.list_challenge_matches", "GET"): API_TOKEN_ONLY,
    ("api.create_solution", "POST"): API_TOKEN_ONLY, ("api.update_solution", "PATCH"): API_TOKEN_ONLY,
    ("api.change_solution_status", "POST"): API_TOKEN_ONLY, ("api.list_solution_matches", "GET"): API_TOKEN_ONLY,
    ("api.list_my_matches", "GET"): API_TOKEN_ONLY, ("api.record_match_feedback", "POST"): API_TOKEN_ONLY,
    ("api.get_me", "GET"): API_TOKEN_ONLY, ("api.list_api_tokens", "GET"): API_TOKEN_ONLY,
    ("api.revoke_api_token", "DELETE"): API_TOKEN_ONLY,
}
# Issue 13: the published pipeline (ids are nobody's) and the market consultation of the owner's draft.
MATRIX.update({
    ("pipeline.index", "GET"): PUBLIC, ("api.list_pipeline", "GET"): API_PUBLIC,
    ("pipeline.new", "GET"): SIGNED_IN, ("pipeline.new", "POST"): E(TO_LOGIN, 422, 422, 422, 422),
    ("pipeline.make_draft", "POST"): NOBODY_ELSES, ("pipeline.withdraw", "POST"): NOBODY_ELSES,
    ("consultation.page", "GET"): E(404, 404, 404, 200, 404),
    ("consultation.start", "POST"): OWNER_POST, ("consultation.report", "POST"): OWNER_POST,
    ("consultation.open_challenge", "POST"): OWNER_POST,
    ("consultation.respond", "POST"): E(TO_LOGIN, DENIED, DENIED, 403, DENIED),  # owners do not answer themselves
})
# Issue 12: clarifications of the owner's draft (nobody asks about a draft; the sample question id is nobody's).
MATRIX.update({
    ("clarifications.ask", "POST"): E(TO_LOGIN, DENIED, DENIED, DENIED, DENIED),
    ("clarifications.questions", "GET"): OWNER_ONLY,
    ("clarifications.answer", "POST"): E(TO_LOGIN, DENIED, DENIED, 404, DENIED),
    ("clarifications.new_notice", "GET"): OWNER_ONLY, ("clarifications.new_notice", "POST"): OWNER_POST,
    ("api.get_challenge_clarifications", "GET"): API_DRAFT,
})
# Plausible form values, so a request reaches the ownership check instead of stopping at form validation.
FORM = {"status": "open", "reason": "authorisation matrix", "decision": "shortlisted", "no_conflict": "yes",
        "outcome": "resolved"}
LAST = {("auth.logout", "POST")}  # ends the session, so it runs after everything else


def _routes(app) -> list[tuple[str, str, object]]:
    found = []
    for rule in rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return found


def test_every_route_is_classified(app):
    missing = [f"{endpoint} {method} {rule.rule}" for endpoint, method, rule in _routes(app)
               if (endpoint, method) not in MATRIX]
    assert missing == [], "classify these routes in MATRIX: " + ", ".join(missing)


def _world(db, settings):
    make = Factory(db, settings)
    owner_buyer = make.buyer(email="owner@city.example")
    owner_innovator = make.innovator(email="owner@startup.example")
    world = {
        "anon": None, "innovator": make.innovator(email="other@startup.example"),
        "other_buyer": make.buyer(email="other@city.example"),
        "admin": accounts.create_admin(db, "admin@civimatch.test", "Admin", PASSWORD),
        "owner_buyer": owner_buyer, "owner_innovator": owner_innovator,
        "challenge": make.challenge(owner_buyer, publish=False), "solution": make.solution(owner_innovator,
                                                                                           publish=False),
        "victim": make.buyer(email="victim@city.example"),
    }
    make.challenge(owner_buyer)  # public items so lists are not empty
    make.solution(owner_innovator)
    return world


def _owner_for(endpoint: str, world) -> object:
    return world["owner_innovator"] if endpoint.startswith(("solutions.", "matches.for_solution")) \
        else world["owner_buyer"]


def _path(rule, world, endpoint: str) -> str:
    owner = _owner_for(endpoint, world)
    kind = "solution" if endpoint.startswith("solutions.") else "challenge"
    return sample_path(rule, {
        "challenge_id": world["challenge"].id, "solution_id": world["solution"].id,
        "org_id": owner.organisation_id, "organisation_id": owner.organisation_id,
        "user_id": world["victim"].id, "kind": kind,
        "item_id": world["solution"].id if kind == "solution" else world["challenge"].id,
    })


def _client_for(app, user):
    client = app.test_client()
    if user is not None:
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, db, settings, role):
    world = _world(db, settings)
    failures = []
    routes = sorted(_routes(app), key=lambda r: ((r[0], r[1]) in LAST, r[1] != "GET", r[0]))
    clients: dict[int, object] = {}
    for endpoint, method, rule in routes:
        user = world[role] if role != "owner" else _owner_for(endpoint, world)
        key = id(user)
        if key not in clients:
            clients[key] = _client_for(app, user)
        response = clients[key].open(_path(rule, world, endpoint), method=method,
                                     data=FORM if method == "POST" else None)
        expected = MATRIX[(endpoint, method)][role]
        if response.status_code not in expected:
            failures.append(f"{method} {rule.rule} ({endpoint}) as {role}: {response.status_code}, "
                            f"expected {sorted(expected)}")
    print("\n".join(failures))
    assert failures == []
