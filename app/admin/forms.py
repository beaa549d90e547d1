"""Admin and report forms."""
from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.security.form_rules import CheckedForm
from app.services.moderation.actions import MAX_REASON


class ReasonForm(CheckedForm):
    """A moderation action with a reason (required or optional, the service decides)."""

    reason = TextAreaField("Reason", validators=[Optional(), Length(max=MAX_REASON)])


class ReportForm(CheckedForm):
    reason = TextAreaField("What is wrong with it?", validators=[DataRequired(), Length(max=MAX_REASON)])


class HandleReportForm(CheckedForm):
    outcome = RadioField("Outcome", choices=[("resolved", "Resolved (action taken)"),
                                             ("dismissed", "Dismissed (nothing wrong)")],
                         validators=[DataRequired()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=MAX_REASON)])
