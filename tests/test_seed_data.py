"""Integrity checks for the demo data set in seed_data/ (stdlib only, no app import)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"

SECTORS = {
    "energy", "mobility", "water", "waste", "buildings", "environment", "health", "safety", "governance", "education",
}
BUYER_KINDS = {"city", "region", "agency"}
INNOVATOR_KINDS = {"startup", "sme", "large_company", "research_body"}
SIZES = {"1-10", "11-50", "51-250", "251-1000", "1000+"}
PRICING = {"subscription", "licence", "per_unit", "pay_per_use", "service_contract", "open_source"}
CHALLENGE_STATUSES = {"open", "draft", "closed"}
SOLUTION_STATUSES = {"published", "draft", "archived"}


def _load(name: str) -> list[dict]:
    with open(SEED_DIR / name, encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def orgs() -> list[dict]:
    return _load("organisations.json")


@pytest.fixture(scope="module")
def challenges() -> list[dict]:
    return _load("challenges.json")


@pytest.fixture(scope="module")
def solutions() -> list[dict]:
    return _load("solutions.json")


@pytest.fixture(scope="module")
def org_by_key(orgs) -> dict[str, dict]:
    return {o["key"]: o for o in orgs}


def _assert_unique_keys(items: list[dict]) -> None:
    dupes = [k for k, n in Counter(i["key"] for i in items).items() if n > 1]
    assert not dupes, f"duplicate keys: {dupes}"


def test_unique_keys(orgs, challenges, solutions):
    for items in (orgs, challenges, solutions):
        _assert_unique_keys(items)
        assert all(isinstance(i["key"], str) and i["key"] for i in items)


def test_minimum_counts(orgs, challenges, solutions, org_by_key):
    assert len(challenges) >= 40
    buyers_with_challenges = {c["buyer"] for c in challenges}
    assert len(buyers_with_challenges) >= 12
    assert len({org_by_key[b]["country"] for b in buyers_with_challenges}) >= 3
    assert len(solutions) >= 120
    assert len({s["innovator"] for s in solutions}) >= 60


def test_organisations(orgs):
    for o in orgs:
        assert o["side"] in {"buyer", "innovator"}, o["key"]
        kinds = BUYER_KINDS if o["side"] == "buyer" else INNOVATOR_KINDS
        assert o["kind"] in kinds, o["key"]
        assert len(o["country"]) == 2 and o["country"].isupper(), o["key"]
        assert o["size"] in SIZES, o["key"]
        assert o["name"] and o["city"], o["key"]
        assert o["website"].startswith("https://"), o["key"]
        if o["side"] == "innovator":
            assert o["website"].split("/")[2].endswith(".example"), o["key"]


def test_members_have_unique_example_emails(orgs):
    emails = []
    for o in orgs:
        member = o["member"]
        assert member["name"], o["key"]
        email = member["email"]
        assert "@" in email and email.lower().endswith(".example"), email
        assert email == email.strip() and " " not in email, email
        emails.append(email.lower())
    assert len(emails) == len(set(emails)), "member e-mails must be unique"


def test_references_resolve_to_right_side(challenges, solutions, org_by_key):
    for c in challenges:
        assert c["buyer"] in org_by_key, c["key"]
        assert org_by_key[c["buyer"]]["side"] == "buyer", c["key"]
    for s in solutions:
        assert s["innovator"] in org_by_key, s["key"]
        assert org_by_key[s["innovator"]]["side"] == "innovator", s["key"]


def test_challenge_fields(challenges):
    for c in challenges:
        assert c["sector"] in SECTORS, c["key"]
        assert c["status"] in CHALLENGE_STATUSES, c["key"]
        assert isinstance(c["trl_expected"], int) and 1 <= c["trl_expected"] <= 9, c["key"]
        assert isinstance(c["budget_min"], int) and isinstance(c["budget_max"], int), c["key"]
        assert 0 <= c["budget_min"] <= c["budget_max"], c["key"]
        assert len(c["currency"]) == 3 and c["currency"].isupper(), c["key"]
        assert isinstance(c["deadline_days"], int), c["key"]
        assert 2 <= len(c["tags"]) <= 6 and all(t == t.lower() for t in c["tags"]), c["key"]
        assert 0 < len(c["title"]) <= 200, c["key"]
        assert 0 < len(c["summary"]) <= 500, c["key"]
        assert 0 < len(c["problem_statement"]) <= 5000, c["key"]
        assert c["desired_outcomes"], c["key"]
        assert c["location"], c["key"]
        if c["status"] == "closed":
            assert c["deadline_days"] < 0, c["key"]


def test_challenge_mix(challenges):
    statuses = Counter(c["status"] for c in challenges)
    assert statuses["open"] >= 34
    sectors = Counter(c["sector"] for c in challenges)
    assert all(sectors[s] >= 2 for s in SECTORS), sectors


def test_solution_fields(solutions):
    for s in solutions:
        assert s["sectors"] and len(s["sectors"]) <= 2 and set(s["sectors"]) <= SECTORS, s["key"]
        assert s["status"] in SOLUTION_STATUSES, s["key"]
        assert s["pricing_model"] in PRICING, s["key"]
        assert isinstance(s["trl"], int) and 1 <= s["trl"] <= 9, s["key"]
        assert s["tags"] and all(t == t.lower() for t in s["tags"]), s["key"]
        assert 0 < len(s["title"]) <= 200, s["key"]
        assert 0 < len(s["summary"]) <= 500, s["key"]
        assert 0 < len(s["description"]) <= 5000, s["key"]
        assert isinstance(s["deployed_in"], str), s["key"]
        assert s["website"].startswith("https://") and ".example" in s["website"], s["key"]
    assert sum(s["status"] == "published" for s in solutions) >= 114
