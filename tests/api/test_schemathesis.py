"""Schemathesis against the OpenAPI document, in process (WSGI), with real data and real tokens.

Every operation gets schema-valid and schema-breaking requests; the run must find no server error,
no undocumented status, and no response that breaks its documented schema. ``positive_data_acceptance``
is left out on purpose: domain rules that JSON Schema cannot express (a deadline in the future,
budget_min <= budget_max, a move the lifecycle allows) answer a documented 422 or 409.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.api import load_routes
from app.api.openapi import build_document
from app.api.registry import OPERATIONS
from app.db import new_session
from app.models import ApiToken
from app.services.accounts import api_tokens
from app.services.recommendations import rebuild as matches
from tests import pilot_scenario
from tests.conftest import _empty_tables, make_test_app
from tests.factories import Factory

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
load_routes()
# The document's own endpoint is left out: schemathesis does not test the schema it loaded from.
LABELS = sorted(f"{op.method} {op.path}" for op in OPERATIONS if op.path != "/openapi.json")


class FuzzTokens:
    """A live token per side; a fuzzed DELETE /tokens/{id} may revoke one, so it is replaced when needed."""

    def __init__(self, db, users: dict) -> None:
        self.db, self.users, self.current = db, users, {}

    def header(self, side: str) -> dict[str, str]:
        token_id, secret = self.current.get(side, (None, None))
        self.db.expire_all()
        if token_id is None or self.db.get(ApiToken, token_id).revoked_at is not None:
            created = api_tokens.create_token(self.db, self.users[side].id, "fuzz")
            token_id, secret = created.token.id, created.secret
            self.current[side] = (token_id, secret)
        self.db.rollback()  # end the read transaction: an open one would block PostgreSQL's TRUNCATE
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def fuzz_app(database_url):
    """One app for the module, with a buyer and an innovator owning drafts, public items, stored
    matches and an evaluated pilot (built once: the operations only add to it)."""
    app = make_test_app(database_url)
    with app.app_context():
        db = new_session(app)
        make = Factory(db, app.extensions["service_settings"])
        buyer, innovator, *_ = pilot_scenario.evaluated_pilot(db, make)
        make.challenge(buyer, publish=False, title="Draft challenge")
        make.solution(innovator, publish=False, title="Draft solution")
        make.challenge(buyer, title="Depot charging for buses")
        matches.rebuild(db)
        yield app, FuzzTokens(db, {"buyer": buyer, "innovator": innovator})
        db.close()
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def _operation(app, label: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label == label:
            return operation
    raise AssertionError(f"{label} is not in the OpenAPI document")


@pytest.mark.parametrize("label", LABELS)
def test_operation_survives_schemathesis(fuzz_app, label):
    app, fuzz_tokens = fuzz_app
    operation = _operation(app, label)
    side = "innovator" if "/solutions" in label else "buyer"
    for mode, examples in EXAMPLES.items():
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            case.call_and_validate(headers=fuzz_tokens.header(side), excluded_checks=[positive_data_acceptance])

        check()


def test_every_registered_route_is_in_the_document(fuzz_app):
    app, _ = fuzz_app
    documented = {f"{method.upper()} {path}" for path, item in build_document()["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            routed |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
