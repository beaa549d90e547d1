"""`flask digests send` and `flask outbox deliver`: thin wrappers over the digest and delivery services."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import new_session
from app.extensions import service_settings
from app.mail import delivery
from app.mail.smtp import SmtpSender, SmtpSettings
from app.services.digests import runs as digests
from app.services.errors import ServiceError
from app.services.operations.job_locks import exclusive_job


@click.group("digests")
def digests_group() -> None:
    """Personalised match digests."""


@digests_group.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default=None,
              help="Only users with this frequency (default: both).")
@click.option("--ignore-schedule", is_flag=True,
              help="Treat every opted-in user as due now (still at most one digest per period).")
@click.option("--dry-run", is_flag=True, help="Build and count the digests but store and queue nothing.")
@with_appcontext
def send(frequency: str | None, ignore_schedule: bool, dry_run: bool) -> None:
    """Queue the digests that are due in the outbox (run hourly; `outbox deliver` sends them)."""
    options = digests.RunOptions(frequency=frequency, ignore_schedule=ignore_schedule, dry_run=dry_run)
    session = new_session()
    try:
        # Two overlapping runs would each pick the same due users; the second waits for the next hour instead.
        with exclusive_job(session.get_bind(), "digests send"):
            total = len(digests.opted_in_recipients(session, frequency))
            with click.progressbar(length=total, label="Building digests") as bar:
                report = digests.run_digests(session, service_settings(), options,
                                             progress=bar.update)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        session.close()
    click.echo(report.summary())


@click.group("outbox")
def outbox_group() -> None:
    """The e-mail outbox."""


@outbox_group.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most this many messages.")
@with_appcontext
def deliver(limit: int | None) -> None:
    """Send queued messages over SMTP, retrying failures with back-off (run every minute)."""
    config = current_app.config
    session = new_session()
    try:
        due = delivery.count_due(session)
        total = due if limit is None else min(due, limit)
        with SmtpSender(SmtpSettings.from_config(config)) as sender, \
                click.progressbar(length=total, label="Delivering") as bar:
            report = delivery.deliver_due(session, sender, delivery.DeliveryPolicy.from_config(config),
                                          limit=limit, progress=bar.update)
    finally:
        session.close()
    click.echo(report.summary())
    if report.server_gone:
        raise click.ClickException(f"the SMTP server at {config['SMTP_HOST']}:{config['SMTP_PORT']} could not be "
                                   "reached; the unsent messages stay queued for the next run.")
