"""The account-page form that creates an API token."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.security.form_rules import CheckedForm
from app.services.accounts.api_tokens import DEFAULT_VALIDITY_DAYS, MAX_NAME_LENGTH, VALIDITY_CHOICES


class ApiTokenForm(CheckedForm):
    name = StringField("Token name", validators=[DataRequired(message="Give the token a name."),
                                                 Length(max=MAX_NAME_LENGTH)])
    valid_days = SelectField("Expires", default=str(DEFAULT_VALIDITY_DAYS), choices=[
        (str(days or "never"), f"after {days} days" if days else "never (until revoked)")
        for days in VALIDITY_CHOICES])

    def validity(self) -> int | None:
        """The chosen validity in days; None for never."""
        return None if self.valid_days.data == "never" else int(self.valid_days.data)
