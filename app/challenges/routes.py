"""Challenge routes: thin wrappers over the marketplace services (challenges, discovery queries)."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.challenges.forms import ChallengeForm
from app.extensions import service_settings
from app.services.errors import ValidationFailed
from app.services.marketplace import buyer_groups, challenges, search_suggestions
from app.services.marketplace import challenge_access as access
from app.services.marketplace import discovery_queries as discovery
from app.services.marketplace.content_rules import clean_tags
from app.services.marketplace.viewer_marks import marks_for
from app.services.recommendations import due
from app.services.recommendations import rebuild as matches
from app.web.form_helpers import ActionForm, apply_errors
from app.web.query_args import challenge_query_from_args
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


@bp.app_context_processor
def marks_helpers():
    """``viewer_marks()``: the challenges the viewer saved or applied to, read once per request for every card."""
    def viewer_marks():
        if "viewer_marks" not in g:
            user_id = current_user.user_id if current_user.is_authenticated else None
            g.viewer_marks = marks_for(get_session(), user_id)
        return g.viewer_marks
    return {"viewer_marks": viewer_marks}


@bp.route("")
def index():
    query = challenge_query_from_args(request.args)
    page = discovery.search_challenges(get_session(), query)
    elsewhere, spelling = [], None
    if page.total == 0 and query.q:  # an empty page offers the same words elsewhere and a near spelling
        elsewhere = search_suggestions.in_other_statuses(get_session(), query)
        spelling = search_suggestions.near_spelling(get_session(), query)
    return render_template("challenges/index.html", page=page, query=query, elsewhere=elsewhere, spelling=spelling)


@bp.route("/<int:challenge_id>")
def detail(challenge_id: int):
    challenge = challenges.view_challenge(get_session(), challenge_id, viewer_org_id())
    role = access.role_of(get_session(), challenge, viewer_org_id())  # lead | co_owner | observer | None
    is_owner = role in ("lead", "co_owner")
    # While drafting, show look-alike challenges of other buyers so cities reuse each other's work.
    similar = matches.similar_open_challenges(get_session(), challenge) if is_owner and challenge.status == "draft" \
        else None
    refresh_status = due.status(get_session(), due.CHALLENGE, challenge.id) if is_owner else None
    return render_template("challenges/detail.html", challenge=challenge, is_owner=is_owner,
                           action_form=ActionForm(), similar=similar, refresh_status=refresh_status,
                           role=role, buyers=buyer_groups.buyers_of(get_session(), challenge))


def _data(form: ChallengeForm) -> challenges.ChallengeData:
    deadline = datetime.combine(form.deadline.data, time(23, 59), tzinfo=UTC) if form.deadline.data else None
    return challenges.ChallengeData(
        title=form.title.data or "", summary=form.summary.data or "",
        problem_statement=form.problem_statement.data or "", desired_outcomes=form.desired_outcomes.data or "",
        sector=form.sector.data, tags=clean_tags(form.tags.data or ""), trl_expected=int(form.trl_expected.data),
        budget_min=form.budget_min.data, budget_max=form.budget_max.data, currency=form.currency.data,
        location=form.location.data or "", country=form.country.data, deadline=deadline,
    )


def _rule_errors_too(form: ChallengeForm) -> None:
    """After the form's own checks failed, add the service's rules for the other fields, so every mistake
    (a too-long statement, a past deadline, a budget upside down) is reported in one round trip."""
    try:
        problems = challenges.validate(_data(form))
    except (TypeError, ValueError):  # a field too malformed to build the data: its own error says so
        return
    apply_errors(form, {name: message for name, message in problems.items()
                        if name in form and not form[name].errors})


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.is_buyer:
        flash("Only members of a buying organisation can post challenges.", "warning")
        return redirect(url_for("main.dashboard"))
    form = ChallengeForm()
    if request.method == "GET":
        form.country.data = current_user.organisation_country
    if form.validate_on_submit():
        try:
            challenge = challenges.create_challenge(get_session(), actor_id(), _data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Draft saved. Publish it when it is ready.", "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    elif form.errors:
        _rule_errors_too(form)
    return render_template("challenges/form.html", form=form, challenge=None), 422 if form.errors else 200


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    db = get_session()
    challenge = challenges.owned_challenge(db, actor_id(), challenge_id)
    form = ChallengeForm(obj=challenge)
    if request.method == "GET":
        form.tags.data = ", ".join(challenge.tags)
        form.deadline.data = challenge.deadline.date()
        form.trl_expected.data = str(challenge.trl_expected)
    if form.validate_on_submit():
        try:
            challenges.update_challenge(db, actor_id(), challenge_id, _data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Challenge saved.", "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    elif form.errors:
        _rule_errors_too(form)
    return render_template("challenges/form.html", form=form, challenge=challenge), 422 if form.errors else 200


@bp.route("/<int:challenge_id>/status", methods=["POST"])
@login_required
def change_status(challenge_id: int):
    form = ActionForm()
    new_status = request.form.get("status", "")
    if form.validate_on_submit():
        try:
            challenges.change_status(get_session(), actor_id(), challenge_id, new_status, settings=service_settings())
        except ValidationFailed as exc:
            flash(exc.message, "danger")
        else:
            if new_status == "open":  # the next thing a buyer wants after publishing is who could solve it
                flash("Challenge published. Here are the solutions that match it.", "success")
                return redirect(url_for("matches.for_challenge", challenge_id=challenge_id))
            flash(f"Challenge is now {new_status}.", "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))
