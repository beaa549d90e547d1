"""Pilot routes: award, record progress and outcome (buyer), the public register and pilot pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.code_lists import COUNTRIES, SECTORS
from app.extensions import service_settings
from app.pilots.forms import AwardForm, EvaluationForm, MeasurementForm, MilestoneForm, SpendForm, StatusForm
from app.services.errors import ServiceError, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace import challenges
from app.services.procurement import pilot_records, pilots
from app.services.transparency import pilot_register_queries as pilot_register
from app.web.form_helpers import apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("pilots", __name__)


@bp.app_context_processor
def evidence_helper():
    """Lets the solution page include pilot evidence without its view knowing about pilots."""
    return {"pilot_evidence": lambda solution_id: pilot_register.evidence_for_solution(get_session(), solution_id),
            "PILOT_OUTCOMES": pilot_records.OUTCOMES, "PILOT_STATUSES": pilots.STATUSES}


def _query(args) -> pilot_register.PilotQuery:
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""
    page = args.get("page", "1")
    return pilot_register.PilotQuery(
        sector=pick("sector", SECTORS), country=pick("country", COUNTRIES), status=pick("status", pilots.STATUSES),
        outcome=pick("outcome", pilot_records.OUTCOMES), page=int(page) if page.isdigit() else 1)


@bp.route("/pilots")
def index():
    query = _query(request.args)
    return render_template("pilots/index.html", page=pilot_register.search_pilots(get_session(), query), query=query)


def _detail(pilot, status=422, **forms):
    is_buyer = access.may(get_session(), pilot.challenge, viewer_org_id(), access.MANAGE)  # lead or co-owner
    defaults = {"status_form": StatusForm(), "milestone_form": MilestoneForm(), "measurement_form": MeasurementForm(),
                "spend_form": SpendForm()} if is_buyer else {}
    defaults.update(forms)
    if is_buyer:
        defaults["milestone_form"].milestone_id.choices = [(m.id, m.title) for m in pilot.milestones]
        defaults["measurement_form"].kpi_id.choices = [(k.id, f"{k.name} ({k.unit})") for k in pilot.kpis]
    return render_template("pilots/detail.html", pilot=pilot, is_buyer=is_buyer, **defaults), status


@bp.route("/pilots/<int:pilot_id>")
def detail(pilot_id: int):
    pilot = pilot_register.view_pilot(get_session(), pilot_id, viewer_org_id())
    return _detail(pilot, status=200)


def _owned(pilot_id: int):
    return pilots.owned_pilot(get_session(), actor_id(), pilot_id)


def _record(pilot_id: int, form, action, success: str, form_name: str):
    """Validate a recording form, call the service, and re-render with errors (keeping input) on failure."""
    pilot = _owned(pilot_id)
    if form_name == "milestone_form":
        form.milestone_id.choices = [(m.id, m.title) for m in pilot.milestones]
    if form_name == "measurement_form":
        form.kpi_id.choices = [(k.id, k.name) for k in pilot.kpis]
    if form.validate_on_submit():
        try:
            action(form)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(success, "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot_id))
    return _detail(pilot, **{form_name: form})


@bp.route("/pilots/<int:pilot_id>/status", methods=["POST"])
@login_required
def change_status(pilot_id: int):
    return _record(pilot_id, StatusForm(), lambda f: pilots.change_pilot_status(
        get_session(), actor_id(), pilot_id, f.status.data, f.reason.data or ""),
        "Pilot status changed.", "status_form")


@bp.route("/pilots/<int:pilot_id>/milestones", methods=["POST"])
@login_required
def milestone(pilot_id: int):
    return _record(pilot_id, MilestoneForm(), lambda f: pilot_records.complete_milestone(
        get_session(), actor_id(), pilot_id, f.milestone_id.data, f.completed_on.data),
        "Milestone marked as met.", "milestone_form")


@bp.route("/pilots/<int:pilot_id>/measurements", methods=["POST"])
@login_required
def measurement(pilot_id: int):
    return _record(pilot_id, MeasurementForm(), lambda f: pilot_records.record_measurement(
        get_session(), actor_id(), pilot_id, f.kpi_id.data, f.measured_on.data, float(f.value.data),
        f.note.data or ""), "Measurement recorded.", "measurement_form")


@bp.route("/pilots/<int:pilot_id>/spend", methods=["POST"])
@login_required
def spend(pilot_id: int):
    return _record(pilot_id, SpendForm(), lambda f: pilot_records.record_spend(
        get_session(), actor_id(), pilot_id, f.spent_on.data, f.amount.data, f.description.data or ""),
        "Spend recorded.", "spend_form")


@bp.route("/pilots/<int:pilot_id>/evaluate", methods=["GET", "POST"])
@login_required
def evaluate(pilot_id: int):
    pilot = _owned(pilot_id)
    form = EvaluationForm()
    if form.validate_on_submit():
        data = pilot_records.PilotEvaluationData(
            outcome=form.outcome.data, rating=int(form.rating.data), lessons_learned=form.lessons_learned.data or "",
            follow_on_purchase=bool(form.follow_on_purchase.data), follow_on_value=form.follow_on_value.data)
        try:
            pilot_records.evaluate_pilot(get_session(), actor_id(), pilot_id, data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash("Pilot evaluated and published.", "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot_id))
    has_errors = bool(form.errors or form.form_errors)
    return render_template("pilots/evaluate.html", form=form, pilot=pilot), 422 if has_errors else 200


@bp.route("/challenges/<int:challenge_id>/award", methods=["GET", "POST"])
@login_required
def award(challenge_id: int):
    db = get_session()
    challenge = challenges.owned_challenge(db, actor_id(), challenge_id)
    shortlisted, matched = pilots.award_options(db, actor_id(), challenge_id)
    form = AwardForm()
    form.target.choices = [("", "Choose")] + \
        [(f"application:{a.id}", f"Application: {a.solution.title} ({a.organisation.name})") for a in shortlisted] + \
        [(f"solution:{s.id}", f"Matched solution: {s.title} ({s.organisation.name})") for s in matched]
    if form.validate_on_submit() and (lists := form.parsed_lists()) is not None:
        pilot = _award(form, challenge_id, *lists)
        if pilot is not None:
            flash("Pilot awarded. Start it when work begins.", "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot.id))
    has_errors = bool(form.errors or form.form_errors)
    return render_template("pilots/award.html", form=form, challenge=challenge), 422 if has_errors else 200


def _award(form: AwardForm, challenge_id: int, kpis, milestones):
    data = pilots.AwardData(
        contract_value=form.contract_value.data, currency=form.currency.data, start_date=form.start_date.data,
        end_date=form.end_date.data, site=form.site.data or "", description=form.description.data or "",
        title=form.title.data or "", is_public=bool(form.is_public.data), kpis=kpis, milestones=milestones)
    kind, _, target_id = form.target.data.partition(":")
    try:
        if kind == "application":
            return pilots.award_to_application(get_session(), actor_id(), int(target_id), data,
                                               settings=service_settings())
        return pilots.award_to_solution(get_session(), actor_id(), challenge_id, int(target_id), data)
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
    except ServiceError as exc:
        form.form_errors.append(exc.message)
    return None
