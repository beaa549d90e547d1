"""`flask matches rebuild`: refit the recommender and store every match."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import get_session
from app.services.job_locks import JobAlreadyRunning, exclusive_job
from app.services.recommendations import rebuild as matches


@click.group("matches")
def matches_group() -> None:
    """Recommendations."""


class _Bar:
    """A progress bar opened once the service knows how many matches it will store."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=max(total, 1), label="Storing matches")
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
