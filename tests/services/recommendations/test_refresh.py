"""Matches after publish: the change records the item as due, a refresh run ranks it, failures are retried."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.code_lists import PRICING_MODELS
from app.db import new_session, utcnow
from app.models import Match, MatchRefresh
from app.services.marketplace import challenges, solutions
from app.services.recommendations import due, refresh
from app.services.recommendations import rebuild as matches
from tests.services.recommendations.test_matches import _corpus

QUICK = due.RefreshPolicy(max_attempts=2, retry_base_s=60, lease_s=300)


def _stored(db, challenge_id: int) -> list[Match]:
    return list(db.scalars(select(Match).where(Match.challenge_id == challenge_id)))


def _waiting(db) -> list[MatchRefresh]:
    db.expire_all()
    return list(db.scalars(select(MatchRefresh)))


def _new_leak_challenge(make, buyer):
    return make.challenge(buyer, title="Find leaks with acoustic sensors in old pipes", sector="water",
                          problem_statement="Leaks in cast-iron water pipes waste water.")


def test_publishing_records_the_item_as_due_and_the_job_stores_its_matches(db, make):
    buyer, _, _, sensor, _ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    assert _stored(db, new.id) == []  # nothing is ranked inside the publishing call
    assert due.status(db, due.CHALLENGE, new.id) == "due"
    report = refresh.refresh_due(db)
    assert (report.refreshed, report.failed) == (1, 0)
    assert sensor.id in [m.solution_id for m in _stored(db, new.id)]
    assert due.status(db, due.CHALLENGE, new.id) is None and _waiting(db) == []


def test_editing_a_solution_makes_it_due_in_the_same_transaction(db, make):
    _, innovator, _, sensor, _ = _corpus(make)
    matches.rebuild(db)
    data = solutions.SolutionData(title="Acoustic leak sensors", summary="Sensors.", description="Leaks in pipes.",
                                  sectors=["water"], tags=[], trl=8, pricing_model=next(iter(PRICING_MODELS)))
    solutions.update_solution(db, innovator.id, sensor.id, data)
    with new_session() as other:  # committed: another session (a worker) sees the due row
        assert due.status(other, due.SOLUTION, sensor.id) == "due"


def test_a_job_killed_midway_leaves_the_item_due_and_the_retry_stores_its_matches(db, make, monkeypatch, caplog):
    buyer, _, _, sensor, _ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    real_rank = refresh.rank_solutions_for_challenge

    def dies(*args, **kwargs):
        raise RuntimeError("worker lost midway")

    monkeypatch.setattr(refresh, "rank_solutions_for_challenge", dies)
    now = utcnow()
    report = refresh.refresh_due(db, now=now, policy=QUICK)
    assert (report.refreshed, report.failed) == (0, 1)
    [row] = _waiting(db)
    assert (row.item_kind, row.item_id, row.attempts, row.gave_up_at) == ("challenge", new.id, 1, None)
    assert "RuntimeError: worker lost midway" in row.last_error
    assert "worker lost midway" in caplog.text and "Traceback" in caplog.text  # logged with its traceback
    assert row.next_attempt_at == now + timedelta(seconds=60)  # back-off before the retry
    assert due.status(db, due.CHALLENGE, new.id) == "due"
    monkeypatch.setattr(refresh, "rank_solutions_for_challenge", real_rank)
    assert refresh.refresh_due(db, now=now + timedelta(seconds=30), policy=QUICK).tried == 0
    report = refresh.refresh_due(db, now=now + timedelta(seconds=61), policy=QUICK)
    assert report.refreshed == 1
    assert sensor.id in [m.solution_id for m in _stored(db, new.id)] and _waiting(db) == []


def test_an_item_that_keeps_failing_is_given_up_listed_and_covered_by_the_rebuild(app, db, make, monkeypatch):
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    monkeypatch.setattr(refresh, "rank_solutions_for_challenge", lambda *a, **k: 1 / 0)
    now = utcnow()
    assert refresh.refresh_due(db, now=now, policy=QUICK).failed == 1
    assert refresh.refresh_due(db, now=now + timedelta(hours=1), policy=QUICK).gave_up == 1
    [row] = _waiting(db)
    assert row.attempts == 2 and row.gave_up_at is not None and "ZeroDivisionError" in row.last_error
    assert due.status(db, due.CHALLENGE, new.id) == "failed"
    assert refresh.refresh_due(db, now=now + timedelta(days=1), policy=QUICK).tried == 0
    listed = app.test_cli_runner().invoke(args=["matches", "due"])
    assert f"challenge {new.id}: 2 attempt(s), gave up" in listed.output and "ZeroDivisionError" in listed.output
    matches.rebuild(db)
    assert _waiting(db) == [] and _stored(db, new.id)


def test_a_run_that_dies_after_claiming_gives_the_item_back_when_its_lease_ends(db, make):
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    now = utcnow()
    [claimed] = due.claim(db, 10, QUICK, now)  # ... and the process is killed here: no outcome recorded
    assert claimed.item_id == new.id and claimed.attempts == 1
    assert due.claim(db, 10, QUICK, now + timedelta(seconds=299)) == []  # another run leaves it alone
    assert refresh.refresh_due(db, now=now + timedelta(seconds=301), policy=QUICK).refreshed == 1
    assert _stored(db, new.id) and _waiting(db) == []


def test_an_item_edited_again_while_it_is_ranked_stays_due(db, make, monkeypatch):
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    real_rank = refresh.rank_item

    def edited_meanwhile(*args, **kwargs):
        with new_session() as other:  # the owner saves a new version while the run ranks the old one
            due.mark_due(other, due.CHALLENGE, new.id)
            other.commit()
        return real_rank(*args, **kwargs)

    monkeypatch.setattr(refresh, "rank_item", edited_meanwhile)
    assert refresh.refresh_due(db).refreshed == 1
    [row] = _waiting(db)
    assert row.item_id == new.id and row.attempts == 0  # due again for the newer version


def test_closing_makes_the_item_due_and_the_job_removes_its_matches(db, make):
    buyer, _, leak, *_ = _corpus(make)
    matches.rebuild(db)
    assert _stored(db, leak.id)
    challenges.close_challenge(db, buyer.id, leak.id, settings=make.settings)
    assert refresh.refresh_due(db).refreshed == 1
    assert _stored(db, leak.id) == []


def test_rebuild_keeps_an_item_requested_after_it_read_the_items(db, make, monkeypatch):
    buyer, _, leak, *_ = _corpus(make)
    real_fit = matches.fit

    def requested_meanwhile(*args, **kwargs):
        with new_session() as other:
            due.mark_due(other, due.CHALLENGE, leak.id)
            other.commit()
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(matches, "fit", requested_meanwhile)
    matches.rebuild(db)
    assert [(r.item_kind, r.item_id) for r in _waiting(db)] == [("challenge", leak.id)]


def test_refresh_command_prints_a_summary_and_fails_with_one_line(app, db, make, monkeypatch):
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    _new_leak_challenge(make, buyer)
    make.challenge(buyer, title="Second leak challenge", sector="water", problem_statement="Leaks in pipes.")
    runner = app.test_cli_runner()
    monkeypatch.setattr(refresh, "rank_solutions_for_challenge", lambda *a, **k: 1 / 0)
    failed = runner.invoke(args=["matches", "refresh"])
    assert failed.exit_code == 1
    errors = [line for line in failed.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "2 item(s) failed" in errors[0] and "ZeroDivisionError" in errors[0]
    monkeypatch.undo()
    db.execute(MatchRefresh.__table__.update().values(next_attempt_at=utcnow()))
    db.commit()
    done = runner.invoke(args=["matches", "refresh"])
    assert done.exit_code == 0, done.output
    assert "Refreshed 2 items" in done.output and "0 failed" in done.output


def test_concurrent_runs_never_take_the_same_item(app, db, make, monkeypatch):
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    made = [make.challenge(buyer, title=f"Leak challenge {n}", sector="water",
                           problem_statement=f"Leaks number {n} in water pipes.") for n in range(12)]
    ranked: list[int] = []
    real_rank = refresh.rank_item
    start = threading.Barrier(2)

    def counting(session, model, kind, item_id, now):
        ranked.append(item_id)
        return real_rank(session, model, kind, item_id, now)

    monkeypatch.setattr(refresh, "rank_item", counting)
    reports, errors = [], []

    def run() -> None:
        with app.app_context(), new_session(app) as session:
            start.wait()
            try:
                while (report := refresh.refresh_due(session, limit=3)).tried:
                    reports.append(report)
            except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(ranked) == sorted(c.id for c in made)  # each item once, by one run or the other
    assert sum(r.refreshed for r in reports) == 12 and _waiting(db) == []


def test_two_refreshes_storing_the_same_item_at_once_never_collide(app, db, make):
    """The worst overlap: both delete the item's rows, then both insert the same pairs before either commits
    (PostgreSQL makes the second insert wait for the first commit; a plain INSERT would then fail on the
    (challenge, solution) unique key)."""
    buyer, *_ = _corpus(make)
    matches.rebuild(db)
    new = _new_leak_challenge(make, buyer)
    with new_session(app) as reader:
        ranked = refresh.rank_item(reader, refresh.match_store.current_model(reader), due.CHALLENGE, new.id, None)
    assert ranked.matches
    first, errors = new_session(app), []
    refresh.store_ranked(first, ranked)  # inserted, not committed

    def second() -> None:
        with new_session(app) as session:
            try:
                refresh.store_ranked(session, ranked)
                session.commit()
            except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)  # the second waits on the first's rows (PostgreSQL) or on the write lock (SQLite)
    first.commit()
    first.close()
    thread.join(30)
    assert errors == []
    assert db.scalar(select(func.count()).select_from(Match).where(Match.challenge_id == new.id)) == \
        len(ranked.matches)


@pytest.mark.parametrize("verdict, due_after", [("relevant", True), ("hidden", False)])
def test_feedback_re_ranks_the_own_item_through_the_job(db, make, verdict, due_after):
    from app.services.recommendations import match_queries

    buyer, _, leak, sensor, _ = _corpus(make)
    matches.rebuild(db)
    match_queries.record_feedback(db, buyer.id, leak.id, sensor.id, verdict)
    assert (due.status(db, due.CHALLENGE, leak.id) == "due") is due_after
