"""A large synthetic marketplace for bench/web_load.py, written with bulk inserts.

Organisations, users (all sharing one password hash, computed once), challenges, solutions with
their sectors, and stored matches: each challenge's top 20 solutions and each solution's top 20
challenges, as the nightly rebuild would leave them (scores and ranks made up, reasons in the stored
shape). Texts are drawn from a small vocabulary of real procurement words plus Zipf-distributed filler,
so keyword searches such as "water leak" hit a realistic share of rows. Rows go in through Core
`insert()` with executemany in chunks (SQLAlchemy's insertmanyvalues on PostgreSQL); SQLite's FTS5
tables are kept in step by their triggers.
"""
from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
from sqlalchemy import create_engine, insert

from app.code_lists import COUNTRIES, SECTORS
from app.db import utcnow
from app.models import Challenge, Match, Organisation, Solution, SolutionSector, User
from app.services.accounts.passwords import hash_password

PASSWORD = "bench-password-0123"  # noqa: S105 (synthetic accounts on a throw-away database)
BUYER_EMAIL = "buyer-1@bench.example"
INNOVATOR_EMAIL = "innovator-1@bench.example"
TOP = 20
CHUNK = 10_000
DOMAIN = ("water leak sensor pipe network pressure detection traffic mobility bus route parking energy "
          "grid solar heat building retrofit waste collection recycling bin air quality noise monitoring "
          "citizen service portal data platform analytics flood drainage street lighting school health "
          "care elderly housing permit procurement pilot municipal city region tender budget carbon "
          "emission tree canopy bicycle charging vehicle fleet maintenance asset inspection drone").split()


# Statuses by a residue that no organisation's items all share (organisation = i modulo the organisation
# count, a multiple of 10): the bench accounts' organisations then have open challenges and published solutions.


class Texts:
    """Seeded random texts: a few domain words among Zipf filler, vectorised per batch."""

    def __init__(self, seed: int = 15) -> None:
        self.rng = np.random.default_rng(seed)
        filler = {"".join(self.rng.choice(list("abcdefghijklmnoprstuvw"), int(n)))
                  for n in self.rng.integers(3, 10, 6000)}
        self.words = np.array(DOMAIN + sorted(filler))
        ranks = np.arange(1, len(self.words) + 1)
        self.weights = ranks ** -1.1 / np.sum(ranks ** -1.1)

    def batch(self, count: int, length: int) -> list[str]:
        picks = self.rng.choice(len(self.words), size=(count, length), p=self.weights)
        return [" ".join(row) for row in self.words[picks]]

    def titles(self, count: int) -> list[str]:
        picks = self.rng.integers(0, len(DOMAIN), size=(count, 4))
        return [" ".join(DOMAIN[i] for i in row).capitalize() for row in picks]


def _chunks(conn, model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(model), rows[start:start + CHUNK])


def _organisations(buyers: int, innovators: int) -> list[dict]:
    codes = list(COUNTRIES)
    return [{"id": i + 1, "name": f"{'Buyer' if i < buyers else 'Innovator'} organisation {i + 1}",
             "side": "buyer" if i < buyers else "innovator", "kind": "city" if i < buyers else "startup",
             "country": codes[i % len(codes)]} for i in range(buyers + innovators)]


def _users(count: int, buyers: int, innovators: int) -> list[dict]:
    password_hash = hash_password(PASSWORD)
    rows = []
    for i in range(count):
        buyer_side = i % 10 == 0  # one user in ten is a buyer
        org = 1 + (i // 10) % buyers if buyer_side else buyers + 1 + i % innovators
        rows.append({"id": i + 1, "email": f"user-{i + 1}@bench.example", "name": f"User {i + 1}",
                     "password_hash": password_hash, "organisation_id": org})
    rows[0]["email"], rows[0]["organisation_id"] = BUYER_EMAIL, 1
    rows[1]["email"], rows[1]["organisation_id"] = INNOVATOR_EMAIL, buyers + 1
    return rows


def _challenges(texts: Texts, count: int, buyers: int) -> list[dict]:
    now, sectors, codes = utcnow(), list(SECTORS), list(COUNTRIES)
    bodies, titles = texts.batch(count, 120), texts.titles(count)
    return [{"id": i + 1, "organisation_id": 1 + i % buyers, "title": titles[i], "summary": bodies[i][:200],
             "problem_statement": bodies[i], "sector": sectors[i % len(sectors)], "tags": [],
             "trl_expected": 1 + i % 9, "country": codes[i % len(codes)],
             "deadline": now + timedelta(days=10 + i % 120), "status": "closed" if i % 10 == 3 else "open",
             "published_at": now - timedelta(minutes=i)} for i in range(count)]


def _solutions(texts: Texts, count: int, buyers: int, innovators: int) -> tuple[list[dict], list[dict]]:
    now, sectors, codes = utcnow(), list(SECTORS), list(COUNTRIES)
    rows, links = [], []
    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        bodies, titles = texts.batch(n, 120), texts.titles(n)
        for k in range(n):
            i = start + k
            rows.append({"id": i + 1, "organisation_id": buyers + 1 + i % innovators, "title": titles[k],
                         "summary": bodies[k][:200], "description": bodies[k], "tags": [], "trl": 1 + i % 9,
                         "pricing_model": "subscription", "country": codes[i % len(codes)],
                         "status": "draft" if i % 20 == 7 else "published", "published_at": now - timedelta(minutes=i)})
            links.append({"solution_id": i + 1, "sector": sectors[i % len(sectors)]})
    return rows, links


def match_pairs(challenges: int, solutions: int, top: int = TOP) -> dict[tuple[int, int], list]:
    """Top-``top`` lists both ways: pair -> [rank_for_challenge, rank_for_solution] (1-based, None if absent)."""
    pairs: dict[tuple[int, int], list] = {}
    for c in range(challenges):
        for rank in range(top):
            pairs[(c + 1, (c * 7919 + rank * 104_729) % solutions + 1)] = [rank + 1, None]
    for s in range(solutions):
        for rank in range(top):
            pairs.setdefault(((s * 31 + rank * 977) % challenges + 1, s + 1), [None, None])[1] = rank + 1
    return pairs


def _insert_matches(conn, challenges: int, solutions: int) -> int:
    reasons = [{"kind": "terms", "text": "Shared terms: water, leak, sensor"},
               {"kind": "trl", "text": "Ready at TRL 7 (8 asked)"}]
    now, rows, stored = utcnow(), [], 0
    for (c, s), (for_challenge, for_solution) in match_pairs(challenges, solutions).items():
        best = min(r for r in (for_challenge, for_solution) if r is not None)
        rows.append({"challenge_id": c, "solution_id": s, "score": round(0.9 - best * 0.02, 4),
                     "rank_for_challenge": for_challenge, "rank_for_solution": for_solution,
                     "reasons": reasons, "model_version": "bench", "created_at": now, "updated_at": now})
        if len(rows) == CHUNK:
            conn.execute(insert(Match), rows)
            stored, rows = stored + len(rows), []
    if rows:
        conn.execute(insert(Match), rows)
    return stored + len(rows)


def generate(url: str, *, solutions: int, challenges: int, users: int) -> dict:
    """Fill the migrated, empty database at ``url``; returns row counts and the seconds each part took."""
    buyers, innovators = max(1, challenges // 5), max(1, solutions // 5)
    texts, timings = Texts(), {}
    engine = create_engine(url)
    with engine.begin() as conn:
        start = time.perf_counter()
        _chunks(conn, Organisation, _organisations(buyers, innovators))
        _chunks(conn, User, _users(max(users, 2), buyers, innovators))
        timings["orgs_users_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        _chunks(conn, Challenge, _challenges(texts, challenges, buyers))
        solution_rows, links = _solutions(texts, solutions, buyers, innovators)
        _chunks(conn, Solution, solution_rows)
        _chunks(conn, SolutionSector, links)
        timings["items_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        stored = _insert_matches(conn, challenges, solutions)
        timings["matches_s"] = round(time.perf_counter() - start, 1)
    engine.dispose()
    return {"challenges": challenges, "solutions": solutions, "users": max(users, 2),
            "organisations": buyers + innovators, "matches": stored, **timings}
