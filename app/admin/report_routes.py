"""Anyone signed in can report a challenge, solution or organisation to the platform admins."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from app.admin.forms import ReportForm
from app.services.errors import ValidationFailed
from app.services.moderation import reports
from app.web.form_helpers import apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("reports", __name__, url_prefix="/report")
DETAIL_ENDPOINTS = {"challenge": ("challenges.detail", "challenge_id"), "solution": ("solutions.detail", "solution_id"),
                    "organisation": ("organisations.detail", "org_id")}


@bp.route("/<any(challenge,solution,organisation):kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def new(kind: str, item_id: int):
    label = reports.target_label(get_session(), kind, item_id, viewer_org_id())
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.file_report(get_session(), actor_id(), kind, item_id, form.reason.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Thank you. An administrator will look at your report.", "success")
            endpoint, arg = DETAIL_ENDPOINTS[kind]
            return redirect(url_for(endpoint, **{arg: item_id}))
    return render_template("admin/report_form.html", form=form, kind=kind, label=label), 422 if form.errors else 200
