"""Refresh runs: rank each due item against the stored model (no refit) and replace its stored matches.

Run by `flask matches refresh` (cron), by a Celery task when CELERY_BROKER_URL is set, or right after the
response of the request that made items due (app/jobs/match_refresh.py). Never inside a request.
"""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import utcnow
from app.matching import Match as EngineMatch
from app.matching import MatchModel, rank_challenges_for_solution, rank_solutions_for_challenge
from app.models import Challenge, Match, Solution
from app.services.recommendations import due
from app.services.recommendations import model_store as match_store
from app.services.recommendations.engine_items import item_for
from app.services.recommendations.rebuild import TOP_K, RebuildProgress, org_feedback, reasons_json

log = logging.getLogger(__name__)
CLAIM_BATCH = 20  # rows claimed at a time: ranked well within one lease
MATCHES = Match.__table__


@dataclass
class RefreshReport:
    refreshed: int = 0
    matches: int = 0
    failed: int = 0  # failed this run; due again after a back-off
    gave_up: int = 0  # failed at the attempt limit; left for the nightly rebuild
    errors: list[str] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return self.refreshed + self.failed + self.gave_up

    def summary(self) -> str:
        return (f"Refreshed {self.refreshed} items: {self.matches} matches stored; "
                f"{self.failed} failed (retried later), {self.gave_up} given up.")


@dataclass
class Ranked:
    """One item's new top list, or no list (inactive, deleted, or no model yet): its matches go."""

    kind: str
    item_id: int
    version: str = ""
    matches: list[EngineMatch] = field(default_factory=list)


def refresh_due(session: Session, limit: int = 100, now: datetime | None = None,
                policy: due.RefreshPolicy | None = None, progress: RebuildProgress | None = None) -> RefreshReport:
    """Refresh up to ``limit`` due items; each one's outcome is committed on its own.

    A failing item does not stop the run: its error is logged with the traceback and recorded on its row,
    which is retried after a back-off (see ``due``). Errors outside one item's work (the database gone)
    propagate; claimed rows then come back when their lease ends.
    """
    now = now or utcnow()
    policy = policy or due.RefreshPolicy()
    progress = progress or RebuildProgress()
    report = RefreshReport()
    progress.start(min(limit, due.count_due(session, now)))
    session.commit()  # end the read: SQLite cannot turn a stale reader into a writer (the claim writes)
    while report.tried < limit:
        claims = due.claim(session, min(CLAIM_BATCH, limit - report.tried), policy, now)
        if not claims:
            break
        model = match_store.current_model(session)  # per batch: items published meanwhile are added
        session.commit()  # end the read: SQLite cannot turn a stale reader into a writer
        for claimed in claims:
            _refresh_one(session, model, claimed, policy, now, report)
            progress.advance(1)
    return report


def _refresh_one(session: Session, model: MatchModel | None, claimed: due.Claim, policy: due.RefreshPolicy,
                 now: datetime, report: RefreshReport) -> None:
    try:
        ranked = rank_item(session, model, claimed.kind, claimed.item_id, now)
        session.commit()  # the ranking only read: the write below starts a transaction of its own
        report.matches += store_ranked(session, ranked)
        due.forget(session, claimed)
        session.commit()
        report.refreshed += 1
    except Exception as exc:  # noqa: BLE001 - one item's failure is logged, recorded on its row and retried
        session.rollback()
        log.exception("refreshing the matches of %s %s failed (attempt %s of %s)",
                      claimed.kind, claimed.item_id, claimed.attempts, policy.max_attempts)
        error = "".join(traceback.format_exception_only(exc)).strip()
        if due.record_failure(session, claimed, error, policy, now):
            report.gave_up += 1
        else:
            report.failed += 1
        report.errors.append(f"{claimed.kind} {claimed.item_id}: {error}")


def rank_item(session: Session, model: MatchModel | None, kind: str, item_id: int, now: datetime) -> Ranked:
    """The item's top ``TOP_K`` list against ``model``, with its organisation's feedback."""
    row = session.get(Challenge if kind == due.CHALLENGE else Solution, item_id, populate_existing=True)
    item = item_for(row) if row is not None else None
    if model is None or item is None or not item.active:
        return Ranked(kind, item_id)
    feedback = org_feedback(session, row.organisation_id)
    if kind == due.CHALLENGE:
        found = rank_solutions_for_challenge(model, item, TOP_K, feedback["solution"], now)
    else:
        found = rank_challenges_for_solution(model, item, TOP_K, feedback["challenge"], now)
    return Ranked(kind, item_id, model.version, found)


def store_ranked(session: Session, ranked: Ranked) -> int:
    """Replace the item's stored matches with ``ranked`` (no commit); returns how many were stored.

    The pairs are upserted: a concurrent refresh of this item, or of an item on the other side that
    stores the same pair, can insert a row between our delete and our insert; the later write then
    updates that row instead of failing on the (challenge, solution) unique key.
    """
    is_challenge = ranked.kind == due.CHALLENGE
    session.execute(delete(MATCHES).where(
        (MATCHES.c.challenge_id if is_challenge else MATCHES.c.solution_id) == ranked.item_id))
    if not ranked.matches:
        return 0
    side = "challenge" if is_challenge else "solution"
    rank_name, key_name = f"rank_for_{side}", f"rank_score_for_{side}"
    now = utcnow()
    rows = [{"challenge_id": m.challenge_id, "solution_id": m.solution_id, "score": m.score,
             "reasons": reasons_json(m), "model_version": ranked.version, rank_name: rank,
             key_name: m.rank_score,
             "created_at": now, "updated_at": now}
            for rank, m in enumerate(ranked.matches, start=1)]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(MATCHES)
    kept = ("score", "reasons", "model_version", rank_name, key_name, "updated_at")
    session.execute(statement.on_conflict_do_update(
        index_elements=["challenge_id", "solution_id"], set_={name: statement.excluded[name] for name in kept}),
        rows)
    return len(rows)
