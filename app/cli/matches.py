"""`flask matches rebuild`: refit the recommender and store every match."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import get_session
from app.services import matches


@click.group("matches")
def matches_group() -> None:
    """Recommendations."""


@matches_group.command("rebuild")
@with_appcontext
def rebuild() -> None:
    """Refit on all challenges and solutions and replace the stored matches (cron-able)."""
    bar = None

    def start(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=max(total, 1), label="Storing matches").__enter__()

    def advance(n: int) -> None:
        bar.update(n)

    click.echo("Fitting the model and ranking both ways ...")
    try:
        report = matches.rebuild(get_session(), matches.RebuildProgress(start, advance))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(report.summary())
