"""Personal data pages: download everything as JSON, delete the account; admins do the same on request."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, session, url_for
from flask_login import login_required, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from app.admin.forms import ReasonForm
from app.admin.routes import require_admin as admin_pages_only
from app.db import utcnow
from app.security.form_rules import CheckedForm
from app.services.accounts import personal_data
from app.services.errors import Conflict, ValidationFailed
from app.web.form_helpers import apply_errors
from app.web.request_context import actor_id, get_session

bp = Blueprint("personal_data", __name__)
admin_bp = Blueprint("personal_data_admin", __name__, url_prefix="/admin")
admin_bp.before_request(admin_pages_only)


class DeleteAccountForm(CheckedForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])


def _download(data: dict, user_id: int) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    name = f"civimatch-personal-data-{user_id}-{utcnow():%Y%m%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/account/personal-data")
@login_required
def overview():
    return render_template("account/personal_data.html", delete_form=DeleteAccountForm())


@bp.route("/account/personal-data.json")
@login_required
def download():
    data = personal_data.export_personal_data(get_session(), actor_id())
    return _download(data, actor_id())


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            personal_data.erase_own_account(get_session(), actor_id(), form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            logout_user()
            session.clear()
            flash("Your account has been deleted, with your personal data.", "info")
            return redirect(url_for("main.index"))
    return render_template("account/personal_data.html", delete_form=form), 422


@admin_bp.route("/users/<int:user_id>/personal-data", methods=["POST"])
def admin_download(user_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    try:
        data = personal_data.admin_export_personal_data(get_session(), actor_id(), user_id, form.reason.data or "")
    except ValidationFailed as exc:
        flash(exc.message, "danger")
        return redirect(url_for("admin.users"))
    return _download(data, user_id)


@admin_bp.route("/users/<int:user_id>/erase", methods=["POST"])
def admin_erase(user_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    try:
        personal_data.admin_erase_account(get_session(), actor_id(), user_id, form.reason.data or "")
    except ValidationFailed as exc:
        flash(exc.message, "danger")
    except Conflict as exc:  # e.g. erasing an account already erased: say so on the list
        flash(exc.message, "danger")
    else:
        flash("Account erased; the person's sessions, tokens and pending e-mails are gone.", "success")
    return redirect(url_for("admin.users"))



