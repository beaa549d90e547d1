"""Digest settings form: shape only; the rules (time zone exists, score range) live in the service."""
from __future__ import annotations

from zoneinfo import available_timezones

from wtforms import BooleanField, FloatField, SelectField, SelectMultipleField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.code_lists import SECTORS
from app.security.form_rules import CheckedForm
from app.services.digests.schedule import WEEKDAYS


class DigestSettingsForm(CheckedForm):
    frequency = SelectField("How often", choices=[("weekly", "Weekly"), ("daily", "Daily"), ("off", "Never (off)")])
    weekday = SelectField("Day (weekly digests)", coerce=int, choices=list(enumerate(WEEKDAYS)))
    hour = SelectField("Hour", coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)])
    # The IANA list as a picker; validate_choice is off because the service is where the rule lives.
    time_zone = SelectField("Time zone", choices=sorted(available_timezones()), validate_choice=False,
                            validators=[Length(max=64)])
    min_score = FloatField("Minimum match score (0 to 1)", validators=[Optional()])
    sectors = SelectMultipleField("Only these sectors (none ticked: all)", choices=list(SECTORS.items()),
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    follow_emails = BooleanField("E-mail me answers and notices for challenges I follow")
