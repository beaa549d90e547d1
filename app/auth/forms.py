"""Account forms."""
from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from app.code_lists import ORG_KINDS, ORG_SIZES
from app.security.form_rules import CheckedForm
from app.web.form_helpers import COUNTRY_CHOICES


class OrganisationFields:
    """Fields describing an organisation, mixed into sign-up and profile forms."""

    organisation_name = StringField("Organisation name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind of organisation", choices=[("", "Choose")] + list(ORG_KINDS.items()),
                       validators=[DataRequired()])
    country = SelectField("Country", choices=COUNTRY_CHOICES, validators=[DataRequired()])
    city = StringField("City", validators=[Optional(), Length(max=120)])
    size = SelectField("Size (people)", choices=[("", "Choose")] + [(s, s) for s in ORG_SIZES],
                       validators=[Optional()])
    website = StringField("Website", validators=[Optional(), URL(require_tld=False), Length(max=300)])
    description = TextAreaField("About the organisation", validators=[Optional(), Length(max=5000)])


class SignupForm(OrganisationFields, CheckedForm):
    side = RadioField(
        "I am joining as",
        choices=[("buyer", "A public buyer (city, region, agency)"),
                 ("innovator", "An innovator (startup, SME, company, research body)")],
        validators=[DataRequired(message="Choose buyer or innovator.")],
    )
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField("Password (8 characters or more)", validators=[DataRequired(), Length(max=256)])


class OrganisationForm(OrganisationFields, CheckedForm):
    pass


class LoginForm(CheckedForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class ChangePasswordForm(CheckedForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=256)])


class InviteForm(CheckedForm):
    email = EmailField("Colleague's e-mail", validators=[DataRequired(), Email(check_deliverability=False),
                                                         Length(max=254)])


class AcceptInvitationForm(CheckedForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(max=256)])
