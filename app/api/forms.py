"""The account-page form that creates an API token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.services.api_tokens import MAX_NAME_LENGTH


class ApiTokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(message="Give the token a name."),
                                                 Length(max=MAX_NAME_LENGTH)])
