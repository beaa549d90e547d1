"""Organisation routes: public profiles and the members' editor."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.auth.forms import OrganisationForm
from app.services.accounts import organisations
from app.services.accounts.users import OrganisationData
from app.services.errors import ValidationFailed
from app.web.form_helpers import apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.route("/<int:org_id>")
def detail(org_id: int):
    profile = organisations.get_profile(get_session(), org_id, viewer_org_id())
    return render_template("organisations/detail.html", profile=profile, org=profile.organisation)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    db = get_session()
    profile = organisations.get_profile(db, org_id, viewer_org_id())
    org = profile.organisation
    if not profile.is_member:
        abort(403, description="Only members can edit this organisation.")
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.organisation_name.data = org.name
    if form.validate_on_submit():
        data = OrganisationData(
            name=form.organisation_name.data, side=org.side, kind=form.kind.data, country=form.country.data,
            city=form.city.data or "", size=form.size.data or "", website=form.website.data or "",
            description=form.description.data or "",
        )
        try:
            organisations.update_profile(db, actor_id(), org_id, data)
        except ValidationFailed as exc:
            apply_errors(form, {("organisation_name" if k == "name" else k): v for k, v in exc.errors.items()})
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("organisations.detail", org_id=org_id))
    return render_template("organisations/form.html", form=form, org=org), 422 if form.errors else 200
