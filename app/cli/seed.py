"""`flask seed load`: the demo data set, loaded through the services."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.config import ROOT
from app.db import get_session
from app.extensions import service_settings
from app.services.errors import ServiceError
from app.services.seeding import demo_data as seeding


@click.group("seed")
def seed_group() -> None:
    """Demo data."""


@seed_group.command("load")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "seed_data",
              show_default=True)
@with_appcontext
def load(path: Path) -> None:
    """Load organisations, challenges and solutions; running it twice creates nothing twice."""
    try:
        data = seeding.read_seed_files(path)
    except seeding.SeedFileError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(len(rows) for rows in data.values())
    try:
        with click.progressbar(length=total, label="Loading seed data") as bar:
            report = seeding.load(get_session(), data, settings=service_settings(), progress=bar.update)
    except seeding.SeedFileError as exc:
        raise click.ClickException(str(exc)) from exc
    except ServiceError as exc:
        raise click.ClickException(f"seed data rejected: {exc.message}") from exc
    click.echo(report.summary())
