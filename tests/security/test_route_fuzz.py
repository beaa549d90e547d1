"""No 5xx for any input: every route in app.url_map, with odd path arguments, query strings, form fields and JSON.

Per role (anonymous, innovator, buyer, admin), two passes over one seeded world (a scored application, an awarded
pilot, a report, an API token):
1. a sweep: every route and method once per nasty value, with that value in every known query parameter, form
   field and JSON key, and real ids in the path, so each view sees it;
2. hypothesis: routes, path arguments (real ids, huge and negative integers, text), query strings, form bodies and
   JSON bodies (nested, NaN, 1e400, 100,000 levels deep) drawn together.
Values are URL-encoded here, byte by byte, so lone surrogates and NUL reach the app as an attacker sends them.
Signing out (`auth.logout`) is left out for signed-in roles: it would end the session the later requests use.
"""
from __future__ import annotations

import json
import time
from functools import partial
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from app.api.registry import OPERATIONS
from app.security.form_rules import CheckedForm
from app.services.accounts import api_tokens
from app.services.accounts import users as accounts
from app.services.moderation import reports
from app.services.procurement import clarifications, pilots
from tests.factories import PASSWORD, Factory
from tests.pilot_scenario import award_data, scored_shortlist
from tests.security.routes import sample_path

MAX_EXAMPLES = 200  # per role, after the sweep's ~700 requests: about 20 s per role on SQLite
ROLES = ("anonymous", "innovator", "buyer", "admin")
NASTY = ["a\x00b\x1b[2J\u202egninrael", "1e400", "nan", "99999999999999999999999", "\ud800"]
LONG = "x" * 100_000
LONG_FIELDS_PER_ROUTE = 4  # 100k characters in every field at once would be 7 MB per request: a few per route
ODD = [*NASTY, LONG, "-2147483649", "\x00", "\x1b[2J\x07", "a\x00@b.example", "\r\nLocation: http://evil.example",
       "/\r\n", "\udfff", "\u2066x\u2069", "2147483648", "-1", "0", "inf", "-Infinity", "NaN", "", " ", "2200-01-31",
       "9999-12-31", "0000-00-00", "//evil.example", "../../etc/passwd", "%00", "{}", "[]", "true",
       "<script>alert(1)</script>", "open", "challenge", "solution", "1", "energy", "FI"]
DEEP_JSON = ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 33 + "]" * 33]
RAW_BODIES = [*DEEP_JSON, "NaN", '{"title": 1e400}', '{"title": Infinity}', "{", '"\\ud800"', "\xff"]
QUERY_NAMES = ["q", "page", "per_page", "sector", "country", "status", "sort", "trl_min", "trl_max", "deadline_ahead",
               "next", "kind", "hidden", "suspended", "unverified", "user_id", "outcome", "min_score", "verdict"]


def _form_field_names() -> list[str]:
    names = {"next", "csrf_token", "score_1", "comment_1"}
    stack = list(CheckedForm.__subclasses__())
    while stack:
        form_class = stack.pop()
        stack.extend(form_class.__subclasses__())
        names.update(name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField))
    return sorted(names)


def _api_names() -> tuple[list[str], list[str]]:
    keys, params = set(), set()
    for operation in OPERATIONS:
        keys.update((operation.body or {}).get("properties", {}))
        params.update(operation.query)
    return sorted(keys), sorted(params)


class Names:
    """Form fields, API keys and query parameters, read from the app once its modules are imported."""

    def __init__(self) -> None:
        self.api_keys, self.api_params = _api_names()
        self.fields = _form_field_names()
        self.query = sorted(set(QUERY_NAMES) | set(self.api_params))


def _encode(value: str) -> str:
    # surrogatepass: a lone surrogate goes out as the (invalid UTF-8) bytes an attacker would send.
    return quote(value, safe="", errors="surrogatepass")


def _urlencode(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in pairs)


# --- the world and the clients -----------------------------------------------------------------------------------

def _world(db, settings) -> dict:
    make = Factory(db, settings)
    buyer, innovator, challenge, solution, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=settings)
    pilots.change_pilot_status(db, buyer.id, pilot.id, "running")
    admin = accounts.create_admin(db, "admin@civimatch.test", "Admin", PASSWORD)
    report = reports.file_report(db, buyer.id, "solution", solution.id, "Looks copied")
    users = {"anonymous": None, "innovator": innovator, "buyer": buyer, "admin": admin}
    token = api_tokens.create_token(db, buyer.id, "revocable").token
    enquiry = clarifications.ask(db, innovator.id, make.challenge(buyer).id, "Is Modbus acceptable?")
    ids = {
        "challenge_id": [challenge.id], "solution_id": [solution.id], "application_id": [application.id],
        "pilot_id": [pilot.id], "org_id": [buyer.organisation_id, innovator.organisation_id],
        "organisation_id": [buyer.organisation_id, innovator.organisation_id], "report_id": [report.id],
        "user_id": [buyer.id, innovator.id], "item_id": [challenge.id, solution.id],
        "message_id": [1], "token_id": [token.id], "enquiry_id": [enquiry.id],
        "kind": ["challenge", "solution", "organisation"], "name": ["challenges", "pilots"], "token": ["x"],
    }
    return {"users": users, "ids": ids}


class Caller:
    """One role's session cookie (web) and bearer token (API); counts requests and collects 5xx answers."""

    def __init__(self, app, db, user) -> None:
        self.client = app.test_client()
        self.bearer = {}
        if user is not None:
            response = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
            self.bearer = {"Authorization": f"Bearer {api_tokens.create_token(db, user.id, 'fuzz').secret}"}
        self.requests = 0
        self.failures: list[str] = []

    def send(self, method: str, path: str, query: str, body: str | None, is_api: bool) -> None:
        headers = dict(self.bearer) if is_api else {}
        kwargs: dict = {}
        if body is not None:
            content_type = "application/json" if is_api else "application/x-www-form-urlencoded"
            kwargs = {"data": body.encode("utf-8", "surrogatepass"), "content_type": content_type}
        self.requests += 1
        where = f"{method} {path[:120]}?{query[:120]} body={str(body)[:120]!r}"
        try:
            response = self.client.open(path, method=method, query_string=query, headers=headers, **kwargs)
        except Exception as exc:  # TESTING propagates what would be a 500 in production
            self.failures.append(f"{type(exc).__name__}: {str(exc)[:160]} <- {where}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} <- {where}")

    def report(self) -> str:
        return "\n".join(dict.fromkeys(self.failures))  # hypothesis replays while shrinking: each failure once


def _routes(app, role: str) -> list[tuple[object, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static" or (role != "anonymous" and rule.endpoint == "auth.logout"):
            continue
        found.extend((rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def _path(rule, values: dict[str, str]) -> str:
    """The rule's URL with each argument replaced by its (percent-encoded) value."""
    return sample_path(rule, {name: _encode(value) for name, value in values.items()})


# --- pass 1: every route, every nasty value, everywhere ----------------------------------------------------------

def _sweep(caller: Caller, routes, ids: dict, names: Names) -> None:
    for number, (rule, method) in enumerate(routes):
        is_api = rule.rule.startswith("/api/")
        path = _path(rule, {name: str(ids[name][0]) for name in rule.arguments})
        query_names = names.api_params if is_api else names.query
        for value in NASTY:
            caller.send(method, path, _urlencode([(name, value) for name in query_names]),
                        _body(method, is_api, names, dict.fromkeys(names.api_keys if is_api else names.fields, value)),
                        is_api)
        # The 100k-character string: in a rotating few fields (all fields, over the routes), and in q and next.
        field_names = names.api_keys if is_api else names.fields
        start = number * LONG_FIELDS_PER_ROUTE % len(field_names)
        chosen = (field_names * 2)[start:start + LONG_FIELDS_PER_ROUTE]
        caller.send(method, path, _urlencode([("q", LONG), ("next", LONG)]),
                    _body(method, is_api, names, dict.fromkeys(chosen, LONG)), is_api)


def _body(method: str, is_api: bool, names: Names, values: dict[str, str]) -> str | None:
    if method == "GET":
        return None
    return json.dumps(values, ensure_ascii=False) if is_api else _urlencode(list(values.items()))


# --- pass 2: hypothesis ------------------------------------------------------------------------------------------

odd_text = st.one_of(st.sampled_from(ODD), st.text(max_size=20), st.integers(-2**70, 2**70).map(str),
                     st.floats().map(repr))


def _body_strategies(names: Names):
    keys = st.sampled_from(names.api_keys)
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | odd_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys | odd_text, inner, max_size=4),
        max_leaves=8)
    json_bodies = st.one_of(st.dictionaries(keys, json_values, max_size=6).map(partial(json.dumps, ensure_ascii=False)),
                            json_values.map(json.dumps), st.sampled_from(RAW_BODIES))
    form_bodies = st.lists(st.tuples(st.sampled_from(names.fields) | odd_text, odd_text), max_size=8).map(_urlencode)
    queries = st.lists(st.tuples(st.sampled_from(names.query) | odd_text, odd_text), max_size=4).map(_urlencode)
    return json_bodies, form_bodies, queries


@st.composite
def requests(draw, routes, ids, names: Names):
    json_bodies, form_bodies, queries = _body_strategies(names)
    rule, method = draw(st.sampled_from(routes))
    values = {name: draw(st.sampled_from(ids[name]).map(str) | odd_text) for name in rule.arguments}
    is_api = rule.rule.startswith("/api/")
    body = None
    if method != "GET":
        body = draw(json_bodies if is_api else form_bodies)
    return method, _path(rule, values), draw(queries), body, is_api


@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_server_error(app, db, role):
    world = _world(db, app.extensions["service_settings"])
    caller = Caller(app, db, world["users"][role])
    routes = _routes(app, role)
    started = time.monotonic()
    names = Names()
    _sweep(caller, routes, world["ids"], names)
    swept = caller.requests

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests(routes, world["ids"], names))
    def fuzz(request_parts):
        caller.send(*request_parts)

    fuzz()
    elapsed = time.monotonic() - started
    print(f"route fuzz [{role}]: {len(routes)} routes, {swept} swept + {caller.requests - swept} generated "
          f"requests in {elapsed:.1f}s")
    assert caller.failures == [], caller.report()
