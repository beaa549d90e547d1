"""Clarification routes: ask a question, the parties' question list and answers, publishing a notice."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.clarifications.forms import AnswerForm, NoticeForm, QuestionForm
from app.extensions import service_settings
from app.services.errors import Conflict, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.procurement import clarifications
from app.web.form_helpers import apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("clarifications", __name__)


@bp.app_context_processor
def clarification_helpers():
    """``challenge_clarifications(challenge)``: the public answers and notices for the challenge page."""
    def challenge_clarifications(challenge) -> dict:
        db = get_session()
        return {"enquiries": clarifications.published_enquiries(db, challenge.id),
                "notices": clarifications.notices_of(db, challenge.id), "question_form": QuestionForm()}
    return {"challenge_clarifications": challenge_clarifications}


@bp.route("/challenges/<int:challenge_id>/questions/ask", methods=["POST"])
@login_required
def ask(challenge_id: int):
    form = QuestionForm()
    status = 422
    if form.validate_on_submit():
        try:
            clarifications.ask(get_session(), actor_id(), challenge_id, form.question.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except Conflict as exc:
            form.form_errors.append(exc.message)
            status = 409
        else:
            flash("Question sent. The buyers' answer will be published here for everyone, without your name.",
                  "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge_id, _anchor="questions"))
    # The question is kept on a small page of its own, so a long text is not lost to a refusal.
    return render_template("clarifications/ask.html", form=form, challenge_id=challenge_id), status


def _questions_page(challenge_id: int, forms: dict | None = None, status: int = 200):
    db = get_session()
    challenge, enquiries = clarifications.questions_for_parties(db, actor_id(), challenge_id)
    may_answer = access.may(db, challenge, viewer_org_id(), access.MANAGE)
    forms = forms or {}
    answer_forms = {e.id: forms.get(e.id) or AnswerForm(formdata=None, answer=e.answer or "") for e in enquiries}
    return render_template("clarifications/questions.html", challenge=challenge, enquiries=enquiries,
                           may_answer=may_answer, answer_forms=answer_forms), status


@bp.route("/challenges/<int:challenge_id>/questions")
@login_required
def questions(challenge_id: int):
    return _questions_page(challenge_id)


@bp.route("/challenges/<int:challenge_id>/questions/<int:enquiry_id>/answer", methods=["POST"])
@login_required
def answer(challenge_id: int, enquiry_id: int):
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            clarifications.answer(get_session(), actor_id(), challenge_id, enquiry_id, form.answer.data or "",
                                  settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Answer published on the challenge page; followers are e-mailed.", "success")
            return redirect(url_for("clarifications.questions", challenge_id=challenge_id))
    return _questions_page(challenge_id, {enquiry_id: form}, 422)


def _notice_data(form: NoticeForm) -> clarifications.NoticeData:
    deadline = datetime.combine(form.deadline.data, time(23, 59), tzinfo=UTC) if form.deadline.data else None
    return clarifications.NoticeData(
        title=form.title.data or "", description=form.description.data or "",
        document_url=form.document_url.data or "", deadline=deadline, change_budget=bool(form.change_budget.data),
        budget_min=form.budget_min.data, budget_max=form.budget_max.data)


@bp.route("/challenges/<int:challenge_id>/notices/new", methods=["GET", "POST"])
@login_required
def new_notice(challenge_id: int):
    db = get_session()
    challenge = access.authorise(db, actor_id(), challenge_id, access.MANAGE)
    form = NoticeForm()
    if not form.is_submitted():
        form.budget_min.data, form.budget_max.data = challenge.budget_min, challenge.budget_max
    if form.validate_on_submit():
        try:
            clarifications.publish_notice(db, actor_id(), challenge_id, _notice_data(form),
                                          settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except Conflict as exc:
            form.form_errors.append(exc.message)
        else:
            flash("Notice published on the challenge page; followers are e-mailed.", "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge_id, _anchor="notices"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("clarifications/notice_form.html", form=form, challenge=challenge,
                           is_signed_in=current_user.is_authenticated), status
