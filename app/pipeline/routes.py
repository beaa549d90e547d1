"""Pipeline routes: the public /pipeline page, publishing a planned challenge, making a draft from it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.code_lists import COUNTRIES, SECTORS
from app.pipeline.forms import PipelineForm
from app.services.errors import ValidationFailed
from app.services.marketplace import pipeline
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("pipeline", __name__)


@bp.app_context_processor
def planned_helper():
    """Lets the matches page list planned challenges in the innovator's sectors without knowing the pipeline."""
    return {"planned_for_me": lambda: pipeline.planned_for_innovator(get_session(), viewer_org_id())}


def query_from(args) -> pipeline.PipelineQuery:
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""
    year, page = args.get("year", ""), args.get("page", "1")
    return pipeline.PipelineQuery(
        sector=pick("sector", SECTORS), country=pick("country", COUNTRIES),
        year=int(year) if year.isdigit() and len(year) == 4 else None, page=int(page) if page.isdigit() else 1)


@bp.route("/pipeline")
def index():
    query = query_from(request.args)
    own = pipeline.organisation_items(get_session(), actor_id()) if current_user.is_authenticated else []
    return render_template("pipeline/index.html", page=pipeline.search(get_session(), query), query=query,
                           own=own, action_form=ActionForm())


@bp.route("/pipeline/new", methods=["GET", "POST"])
@login_required
def new():
    form = PipelineForm()
    if form.validate_on_submit():
        data = pipeline.PipelineData(
            title=form.title.data, need=form.need.data, sector=form.sector.data, country=form.country.data,
            expected_year=form.expected_year.data, expected_quarter=int(form.expected_quarter.data),
            indicative_budget=form.indicative_budget.data, currency=form.currency.data)
        try:
            pipeline.publish_item(get_session(), actor_id(), data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Planned challenge published on the pipeline.", "success")
            return redirect(url_for("pipeline.index"))
    return render_template("pipeline/form.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/pipeline/<int:item_id>/draft", methods=["POST"])
@login_required
def make_draft(item_id: int):
    if not ActionForm().validate_on_submit():
        flash("The form expired; try again.", "error")
        return redirect(url_for("pipeline.index"))
    challenge = pipeline.make_draft(get_session(), actor_id(), item_id)
    flash("A draft challenge was made from the plan: write it in full, then publish it.", "success")
    return redirect(url_for("challenges.edit", challenge_id=challenge.id))


@bp.route("/pipeline/<int:item_id>/withdraw", methods=["POST"])
@login_required
def withdraw(item_id: int):
    if ActionForm().validate_on_submit():
        pipeline.withdraw_item(get_session(), actor_id(), item_id)
        flash("Planned challenge withdrawn.", "success")
    return redirect(url_for("pipeline.index"))
