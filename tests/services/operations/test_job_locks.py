"""Jobs that must not overlap: a second run exits non-zero with one line, never a traceback."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from app.models import JobLock
from app.services.operations import job_locks
from app.services.operations.job_locks import JobAlreadyRunning, exclusive_job


def _engine(app):
    return app.extensions["db_engine"]


@pytest.mark.parametrize(("command", "job"), [(["matches", "rebuild"], "matches rebuild"),
                                               (["digests", "send", "--dry-run"], "digests send")])
def test_a_second_run_while_the_lock_is_held_exits_with_one_clear_line(app, runner, command, job):
    with exclusive_job(_engine(app), job):
        result = runner.invoke(args=command)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [lines[0]] and f"{job} is already running in another process" in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_the_lock_is_released_after_the_run_so_the_next_one_proceeds(app, runner, make):
    make.challenge()
    make.solution()
    assert runner.invoke(args=["matches", "rebuild"]).exit_code == 0
    second = runner.invoke(args=["matches", "rebuild"])
    assert second.exit_code == 0, second.output
    assert "Matched 1 challenges and 1 solutions" in second.output


def test_the_lock_is_released_when_the_job_fails(app):
    with pytest.raises(RuntimeError):
        with exclusive_job(_engine(app), "matches rebuild"):
            raise RuntimeError("the job broke")
    with exclusive_job(_engine(app), "matches rebuild"):
        pass


def test_different_jobs_do_not_block_each_other(app):
    with exclusive_job(_engine(app), "matches rebuild"), exclusive_job(_engine(app), "digests send"):
        with pytest.raises(JobAlreadyRunning):
            with exclusive_job(_engine(app), "digests send"):
                pass


def test_a_lock_row_left_by_a_crashed_process_is_taken_over_after_it_expires(app, db):
    # The row lock is what SQLite uses; the table exists on every engine, so it is tested on each.
    db.add(JobLock(name="matches rebuild", holder="gone:1", expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    with job_locks._row_lock(_engine(app), "matches rebuild", timedelta(hours=1)):
        with pytest.raises(JobAlreadyRunning):
            with job_locks._row_lock(_engine(app), "matches rebuild", timedelta(hours=1)):
                pass
    db.expire_all()
    assert db.get(JobLock, "matches rebuild") is None
