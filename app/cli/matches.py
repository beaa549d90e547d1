"""`flask matches rebuild|refresh|due`: refit and store every match; rank the items waiting; list them."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import get_session
from app.services.operations.job_locks import JobAlreadyRunning, exclusive_job
from app.services.recommendations import due, refresh
from app.services.recommendations import rebuild as matches


@click.group("matches")
def matches_group() -> None:
    """Recommendations."""


class _Bar:
    """A progress bar opened once the service knows how many matches it will store."""

    def __init__(self, label: str = "Storing matches") -> None:
        self.bar = None
        self.label = label

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=max(total, 1), label=self.label)
        self.bar.render_progress()

    def advance(self, n: int) -> None:
        self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


@matches_group.command("rebuild")
@with_appcontext
def rebuild() -> None:
    """Refit on all challenges and solutions and replace the stored matches (cron-able)."""
    session = get_session()
    try:
        # Two rebuilds at once would both replace the stored matches and collide on their unique keys.
        with exclusive_job(session.get_bind(), "matches rebuild"):
            click.echo("Fitting the model and ranking both ways ...")
            bar = _Bar()
            try:
                report = matches.rebuild(session, matches.RebuildProgress(bar.start, bar.advance))
            finally:
                bar.finish()
    except JobAlreadyRunning as exc:
        raise click.ClickException(exc.message) from None
    click.echo(report.summary())


@matches_group.command("refresh")
@click.option("--limit", type=click.IntRange(1), default=1000, show_default=True, help="Items to refresh at most.")
@with_appcontext
def refresh_command(limit: int) -> None:
    """Rank the items whose matches are due (cron-able: every few minutes); exit 1 if any failed."""
    bar = _Bar("Refreshing matches")
    try:
        report = refresh.refresh_due(get_session(), limit, policy=due.RefreshPolicy.from_config(current_app.config),
                                     progress=matches.RebuildProgress(bar.start, bar.advance))
    except Exception as exc:  # the database went away, say: one line, exit 1; claimed rows come back later
        raise click.ClickException(f"matches refresh stopped: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    finally:
        bar.finish()
    click.echo(report.summary())
    if report.failed or report.gave_up:
        raise click.ClickException(f"{report.failed + report.gave_up} item(s) failed, first: {report.errors[0]}"
                                   .splitlines()[0] + " (details in the log; `flask matches due` lists them)")


@matches_group.command("due")
@with_appcontext
def due_command() -> None:
    """List the items waiting for a refresh, given-up and failing ones first."""
    rows = due.waiting(get_session())
    if not rows:
        click.echo("No item is waiting for its matches.")
    for row in rows:
        when = row.gave_up_at or row.next_attempt_at
        state = f"{'gave up' if row.gave_up_at else 'next try'} {when:%Y-%m-%d %H:%M:%S} UTC"
        error = f"  {row.last_error.splitlines()[-1][:160]}" if row.last_error else ""
        click.echo(f"{row.item_kind} {row.item_id}: {row.attempts} attempt(s), {state}{error}")
