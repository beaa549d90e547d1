"""`flask security-check`: refuse a production start with unsafe settings."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from app.security.deploy_check import deployment_problems, deployment_warnings


@click.command("security-check")
@with_appcontext
def security_check() -> None:
    """Check the deployment settings; exit 1 with one line per problem."""
    for warning in deployment_warnings(current_app.config):
        click.echo(f"security-check: warning: {warning}", err=True)
    problems = deployment_problems(current_app.config, os.environ, debug=current_app.debug)
    for problem in problems:
        click.echo(f"security-check: {problem}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found: refusing a production start.")
    click.echo("security-check: OK, the settings are fit for production.")
