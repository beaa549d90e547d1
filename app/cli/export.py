"""`flask export ocds|csv`: the open-data files, written to disk."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import get_session
from app.services.errors import NotFound
from app.services.transparency import csv_export as open_data_csv
from app.services.transparency import ocds as open_data


@click.group("export")
def export_group() -> None:
    """Open data exports (OCDS 1.1 JSON, CSV)."""


def _settings() -> tuple[str, str]:
    return current_app.config["OCDS_PREFIX"], current_app.config["BASE_URL"]


@export_group.command("ocds")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; standard output when omitted.")
@with_appcontext
def ocds(output: Path | None) -> None:
    """Write the OCDS 1.1 release package (one contracting process per public challenge)."""
    try:
        package = open_data.release_package(get_session(), *_settings())
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    text = json.dumps(package, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
        return
    _write(output, text)
    click.echo(f"Wrote {len(package['releases'])} releases to {output}", err=True)


@export_group.command("csv")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for challenges.csv, applications.csv and pilots.csv (created if missing).")
@with_appcontext
def csv_files(folder: Path) -> None:
    """Write the CSV exports of public challenges, applications and pilots."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create {folder}: {exc.strerror}") from exc
    with click.progressbar(open_data_csv.EXPORTS, label="Exporting CSV") as names:
        for name in names:
            _write(folder / f"{name}.csv", open_data_csv.export_csv(get_session(), name, *_settings()))
    click.echo(f"Wrote {', '.join(n + '.csv' for n in open_data_csv.EXPORTS)} to {folder}")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from exc
