"""Application and evaluation routes: thin wrappers over app.services.procurement.applications and .evaluation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.applications.forms import ApplicationForm, CriteriaForm, DecisionForm, score_form
from app.extensions import service_settings
from app.services.errors import ServiceError, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace import challenges
from app.services.procurement import applications, evaluation
from app.services.procurement.challenge_panel_queries import challenge_panel, received_applications
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("applications", __name__)


@bp.app_context_processor
def panel_helpers():
    """Lets the challenge page include the applications panel without its view knowing about it."""
    def application_panel(challenge):
        viewer = current_user.user_id if current_user.is_authenticated else None
        return challenge_panel(get_session(), challenge, viewer)
    return {"application_panel": application_panel}


@bp.route("/challenges/<int:challenge_id>/apply", methods=["GET", "POST"])
@login_required
def apply(challenge_id: int):
    db = get_session()
    challenge = challenges.view_challenge(db, challenge_id, viewer_org_id())
    if not current_user.is_innovator:
        flash("Only members of an innovating organisation can apply.", "warning")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    form = ApplicationForm()
    form.solution_id.choices = [(s.id, s.title) for s in applications.eligible_solutions(db, actor_id(), challenge_id)]
    if form.validate_on_submit():
        data = applications.ApplicationData(
            solution_id=form.solution_id.data, approach=form.approach.data or "", timeline=form.timeline.data or "",
            price_amount=form.price_amount.data, price_currency=form.price_currency.data,
            proposal_public=bool(form.proposal_public.data))
        try:
            application = applications.apply_to_challenge(db, actor_id(), challenge_id, data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash("Application submitted. You will get an e-mail when its status changes.", "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    criteria = applications.criteria_of(db, challenge_id)
    return render_template("applications/apply.html", form=form, challenge=challenge, criteria=criteria,
                           accepting=applications.accepting_applications(challenge)), 422 if form.errors or \
        form.form_errors else 200


@bp.route("/applications")
@login_required
def mine():
    received = received_applications(get_session(), actor_id()) if current_user.is_buyer else None
    return render_template("applications/mine.html", items=applications.my_applications(get_session(), actor_id()),
                           received=received)


@bp.route("/applications/<int:application_id>")
@login_required
def detail(application_id: int):
    return _detail_page(application_id, DecisionForm())


def _detail_page(application_id: int, decision_form: DecisionForm):
    """The application page; a decision form that failed comes back with its errors and text."""
    db = get_session()
    application = applications.view_application(db, actor_id(), application_id)
    role = access.role_of(db, application.challenge, current_user.organisation_id)
    is_buyer = role in ("lead", "co_owner")
    has_errors = bool(decision_form.errors or decision_form.form_errors)
    return render_template("applications/detail.html", application=application, is_buyer=is_buyer,
                           is_observer=role == "observer",
                           can_withdraw=role is None and application.status in ("submitted", "shortlisted")
                           and applications.accepting_applications(application.challenge),
                           action_form=ActionForm(), decision_form=decision_form,
                           history=evaluation.score_history(db, actor_id(), application_id) if role else []), \
        422 if has_errors else 200


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw(application_id: int):
    if ActionForm().validate_on_submit():
        applications.withdraw_application(get_session(), actor_id(), application_id)
        flash("Application withdrawn.", "success")
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/challenges/<int:challenge_id>/criteria", methods=["GET", "POST"])
@login_required
def criteria(challenge_id: int):
    db = get_session()
    challenge = challenges.owned_challenge(db, actor_id(), challenge_id)
    form = CriteriaForm()
    if request.method == "GET":
        form.criteria.data = "\n".join(f"{c.name} | {c.weight} | {c.description}".rstrip(" |")
                                       for c in applications.criteria_of(db, challenge_id))
    if form.validate_on_submit() and (parsed := form.parsed()) is not None:
        try:
            evaluation.set_criteria(db, actor_id(), challenge_id, parsed)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash("Evaluation criteria published.", "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    has_errors = bool(form.errors or form.form_errors)
    return render_template("applications/criteria.html", form=form, challenge=challenge), 422 if has_errors else 200


@bp.route("/challenges/<int:challenge_id>/evaluation")
@login_required
def ranking(challenge_id: int):
    db = get_session()
    rows = evaluation.ranked_table(db, actor_id(), challenge_id)
    challenge = access.authorise(db, actor_id(), challenge_id, access.READ)
    return render_template("applications/ranking.html", challenge=challenge, rows=rows,
                           can_manage=access.may(db, challenge, current_user.organisation_id, access.MANAGE),
                           criteria=applications.criteria_of(db, challenge_id), action_form=ActionForm(),
                           declared=evaluation.has_declared(db, actor_id(), challenge_id))


@bp.route("/challenges/<int:challenge_id>/conflict-declaration", methods=["POST"])
@login_required
def declare(challenge_id: int):
    if ActionForm().validate_on_submit() and request.form.get("no_conflict") == "yes":
        evaluation.declare_no_conflict(get_session(), actor_id(), challenge_id)
        flash("Declaration recorded. You can score applications now.", "success")
    else:
        flash("Tick the declaration to confirm you have no conflict of interest.", "warning")
    return redirect(url_for("applications.ranking", challenge_id=challenge_id))


@bp.route("/applications/<int:application_id>/score", methods=["GET", "POST"])
@login_required
def score(application_id: int):
    db = get_session()
    application = applications.view_application(db, actor_id(), application_id)
    mine = evaluation.my_scores(db, actor_id(), application_id)
    criteria = applications.criteria_of(db, application.challenge_id)
    form = score_form(criteria, mine, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        values = {c.id: (form[f"score_{c.id}"].data, form[f"comment_{c.id}"].data or "") for c in criteria}
        try:
            evaluation.score_application(db, actor_id(), application_id, values)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash("Scores saved.", "success")
            return redirect(url_for("applications.ranking", challenge_id=application.challenge_id))
    has_errors = bool(form.errors or form.form_errors)
    return render_template("applications/score.html", form=form, application=application, criteria=criteria,
                           declared=evaluation.has_declared(db, actor_id(), application.challenge_id)), \
        422 if has_errors else 200


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@login_required
def decide(application_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            evaluation.decide_application(get_session(), actor_id(), application_id, form.decision.data,
                                          form.reason.data, settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"Application {form.decision.data}; the applicant has been e-mailed.", "success")
            return redirect(url_for("applications.detail", application_id=application_id))
    return _detail_page(application_id, form)
