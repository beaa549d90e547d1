"""HTML around the API: the human-readable reference at /api and API tokens on the account page."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.api.forms import ApiTokenForm
from app.api.openapi import build_document
from app.services.accounts import api_tokens
from app.services.errors import ValidationFailed
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session

bp = Blueprint("api_pages", __name__)


@bp.app_context_processor
def token_helpers() -> dict:
    """Lets the account page include list the signed-in user's tokens (see templates/api/_account_tokens.html)."""
    def account_api_tokens():
        return api_tokens.list_tokens(get_session(), actor_id()) if current_user.is_authenticated else []

    return {"account_api_tokens": account_api_tokens, "new_api_token_form": ApiTokenForm,
            "api_token_action_form": ActionForm}


@bp.route("/api")
def reference():
    document = build_document(current_app.config["BASE_URL"])
    return render_template("api/reference.html", doc=document, as_json=_pretty)


def _pretty(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False)


@bp.route("/account/api-tokens", methods=["POST"])
@login_required
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            created = api_tokens.create_token(get_session(), actor_id(), form.name.data, form.validity())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            response = current_app.make_response(render_template("api/token_created.html", created=created))
            response.headers["Cache-Control"] = "no-store"  # the secret must not stay in any cache
            return response
    return render_template("api/token_form.html", form=form), 422


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if ActionForm().validate_on_submit():
        token = api_tokens.revoke_token(get_session(), actor_id(), token_id)
        flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for("auth.account") + "#api-tokens")
