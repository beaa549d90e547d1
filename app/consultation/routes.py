"""Consultation routes: start it, answer it, read the responses, publish the report, open the challenge."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.consultation.forms import ReportForm, ResponseForm, StartConsultationForm
from app.extensions import service_settings
from app.services.errors import Conflict, ValidationFailed
from app.services.marketplace import challenges
from app.services.procurement import consultation
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("consultation", __name__, url_prefix="/challenges/<int:challenge_id>/consultation")


@bp.app_context_processor
def consultation_helper():
    """Lets the challenge page show its consultation without the challenges view knowing about it."""
    return {"consultation_of": lambda challenge_id: consultation.consultation_for(get_session(), challenge_id),
            "listed_respondents": consultation.listed_respondents}


def _page(challenge_id: int, status: int = 200, **forms):
    challenge = challenges.view_challenge(get_session(), challenge_id, viewer_org_id())
    item = consultation.consultation_for(get_session(), challenge.id)
    is_owner = viewer_org_id() == challenge.organisation_id
    if item is None and not is_owner:
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    own_responses = consultation.responses(get_session(), actor_id(), challenge.id) if is_owner and item else []
    forms.setdefault("start_form", StartConsultationForm())
    forms.setdefault("action_form", ActionForm())
    forms.setdefault("response_form", ResponseForm())
    forms.setdefault("report_form", ReportForm(report=item.report if item else ""))
    return render_template("consultation/page.html", challenge=challenge, consultation=item, is_owner=is_owner,
                           responses=own_responses, answers=request.form.getlist("answer"),
                           **forms), status


@bp.route("")
def page(challenge_id: int):
    return _page(challenge_id)


def _run(challenge_id: int, form, form_name: str, action, success: str):
    if form.validate_on_submit():
        try:
            action(form)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except Conflict as exc:  # a state refusal shown on the form; Forbidden and NotFound go to the error pages
            form.form_errors.append(exc.message)
        else:
            flash(success, "success")
            return redirect(url_for("consultation.page", challenge_id=challenge_id))
    return _page(challenge_id, 422, **{form_name: form})


@bp.route("/start", methods=["POST"])
@login_required
def start(challenge_id: int):
    def action(form):
        deadline = datetime.combine(form.deadline.data, time(23, 59), tzinfo=UTC)
        consultation.start_consultation(get_session(), actor_id(), challenge_id, form.questions.data.splitlines(),
                                        deadline)
    return _run(challenge_id, StartConsultationForm(), "start_form", action, "The market consultation is open.")


@bp.route("/respond", methods=["POST"])
@login_required
def respond(challenge_id: int):
    def action(form):
        consultation.respond(get_session(), actor_id(), challenge_id, request.form.getlist("answer"),
                             list_publicly=form.list_publicly.data, summary=form.summary.data or "")
    return _run(challenge_id, ResponseForm(), "response_form", action, "Thank you: your response was recorded.")


@bp.route("/report", methods=["POST"])
@login_required
def report(challenge_id: int):
    return _run(challenge_id, ReportForm(), "report_form", lambda form: consultation.publish_report(
        get_session(), actor_id(), challenge_id, form.report.data, settings=service_settings()),
        "Market engagement report published; respondents were told.")


@bp.route("/open", methods=["POST"])
@login_required
def open_challenge(challenge_id: int):
    return _run(challenge_id, ActionForm(), "action_form", lambda form: consultation.open_challenge(
        get_session(), actor_id(), challenge_id, settings=service_settings()),
        "The challenge is open for applications; respondents were told.")

