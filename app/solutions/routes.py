"""Solution routes: thin wrappers over the marketplace services (solutions, discovery queries)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.services.errors import ValidationFailed
from app.services.marketplace import discovery_queries as discovery
from app.services.marketplace import solutions
from app.services.marketplace.content_rules import clean_tags
from app.services.recommendations import due
from app.solutions.forms import SolutionForm
from app.web.form_helpers import ActionForm, apply_errors
from app.web.query_args import solution_query_from_args
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("solutions", __name__, url_prefix="/solutions")


@bp.route("")
def index():
    query = solution_query_from_args(request.args)
    page = discovery.search_solutions(get_session(), query)
    return render_template("solutions/index.html", page=page, query=query)


@bp.route("/<int:solution_id>")
def detail(solution_id: int):
    solution = solutions.view_solution(get_session(), solution_id, viewer_org_id())
    is_owner = viewer_org_id() == solution.organisation_id
    refresh_status = due.status(get_session(), due.SOLUTION, solution.id) if is_owner else None
    return render_template("solutions/detail.html", solution=solution, is_owner=is_owner,
                           action_form=ActionForm(), refresh_status=refresh_status)


def _data(form: SolutionForm) -> solutions.SolutionData:
    return solutions.SolutionData(
        title=form.title.data or "", summary=form.summary.data or "", description=form.description.data or "",
        sectors=list(form.sectors.data or []), tags=clean_tags(form.tags.data or ""), trl=int(form.trl.data),
        deployed_in=form.deployed_in.data or "", pricing_model=form.pricing_model.data,
        website=form.website.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.is_innovator:
        flash("Only members of an innovating organisation can list solutions.", "warning")
        return redirect(url_for("main.dashboard"))
    form = SolutionForm()
    if form.validate_on_submit():
        try:
            solution = solutions.create_solution(get_session(), actor_id(), _data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Draft saved. Publish it when it is ready.", "success")
            return redirect(url_for("solutions.detail", solution_id=solution.id))
    return render_template("solutions/form.html", form=form, solution=None), 422 if form.errors else 200


@bp.route("/<int:solution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(solution_id: int):
    db = get_session()
    solution = solutions.owned_solution(db, actor_id(), solution_id)
    form = SolutionForm(obj=solution)
    if request.method == "GET":
        form.tags.data = ", ".join(solution.tags)
        form.trl.data = str(solution.trl)
    if form.validate_on_submit():
        try:
            solutions.update_solution(db, actor_id(), solution_id, _data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Solution saved.", "success")
            return redirect(url_for("solutions.detail", solution_id=solution_id))
    return render_template("solutions/form.html", form=form, solution=solution), 422 if form.errors else 200


@bp.route("/<int:solution_id>/status", methods=["POST"])
@login_required
def change_status(solution_id: int):
    form = ActionForm()
    new_status = request.form.get("status", "")
    if form.validate_on_submit():
        solutions.change_status(get_session(), actor_id(), solution_id, new_status)
        flash(f"Solution is now {new_status}.", "success")
    return redirect(url_for("solutions.detail", solution_id=solution_id))
