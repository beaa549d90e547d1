"""Admin and report forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.services.moderation.actions import MAX_REASON


class ReasonForm(FlaskForm):
    """A moderation action with a reason (required or optional, the service decides)."""

    reason = TextAreaField("Reason", validators=[Optional(), Length(max=MAX_REASON)])


class ReportForm(FlaskForm):
    reason = TextAreaField("What is wrong with it?", validators=[DataRequired(), Length(max=MAX_REASON)])


class HandleReportForm(FlaskForm):
    outcome = RadioField("Outcome", choices=[("resolved", "Resolved (action taken)"),
                                             ("dismissed", "Dismissed (nothing wrong)")],
                         validators=[DataRequired()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=MAX_REASON)])
