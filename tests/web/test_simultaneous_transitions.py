"""Double clicks: of ten simultaneous status changes exactly one wins, the others get 409.

Runs on the run's engine (PostgreSQL with DATABASE_URL, where the race was found; SQLite otherwise).
Every request reads the item first; a barrier holds all ten after that read, so all of them saw the
old status before any writes: the race is forced, not left to timing.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.models import Challenge, Solution
from app.services.marketplace import challenges, solutions
from tests.factories import PASSWORD

N = 10


def _clients(app, email: str) -> list:
    clients = []
    for _ in range(N):
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def _hold_before_claim(monkeypatch, module) -> None:
    """Make every request wait, after it has read and checked the item, until all N arrive at the claim."""
    barrier = threading.Barrier(N, timeout=10)
    original = module.claim_status

    def waiting(*args, **kwargs):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "claim_status", waiting)


def _hold_after_read(monkeypatch, module, name: str) -> None:
    """Make ``module.name`` (called after the service has read the item) wait until all N arrive."""
    barrier = threading.Barrier(N, timeout=10)
    original = getattr(module, name)

    def waiting(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return result

    monkeypatch.setattr(module, name, waiting)


def _fire(clients, url: str, data: dict) -> list:
    with ThreadPoolExecutor(N) as pool:
        return list(pool.map(lambda c: c.post(url, data=data), clients))


@pytest.mark.parametrize("target", ["open", "cancelled"])
def test_ten_simultaneous_changes_of_a_draft_challenge_let_exactly_one_win(app, db, make, monkeypatch, target):
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    clients = _clients(app, buyer.email)
    _hold_before_claim(monkeypatch, challenges)

    responses = _fire(clients, f"/challenges/{draft.id}/status", {"status": target})

    flashes = [c.get(f"/challenges/{draft.id}").get_data(as_text=True) for c in clients]
    conflicts = [r for r in responses if r.status_code == 409]
    assert sorted(r.status_code for r in responses) == [302] + [409] * (N - 1)
    assert all("changed by someone else" in r.get_data(as_text=True) for r in conflicts)
    success = "Challenge published." if target == "open" else f"Challenge is now {target}."
    assert sum(success in page for page in flashes) == 1
    db.expire_all()
    assert db.scalar(select(Challenge.status).where(Challenge.id == draft.id)) == target
    assert db.scalar(select(func.count()).select_from(Challenge)) == 1


def test_ten_simultaneous_publishes_of_a_solution_let_exactly_one_win(app, db, make, monkeypatch):
    innovator = make.innovator()
    draft = make.solution(innovator, publish=False)
    clients = _clients(app, innovator.email)
    _hold_after_read(monkeypatch, solutions, "owned_solution")

    responses = _fire(clients, f"/solutions/{draft.id}/status", {"status": "published"})

    assert sorted(r.status_code for r in responses) == [302] + [409] * (N - 1)
    db.expire_all()
    published = db.get(Solution, draft.id)
    assert published.status == "published" and published.published_at is not None
