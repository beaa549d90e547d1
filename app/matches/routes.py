"""Match routes: thin wrappers over the recommendation services (match queries, rebuild)."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, session
from flask_login import current_user, login_required

from app.code_lists import SECTORS
from app.services.marketplace import challenges, solutions
from app.services.recommendations import due, strength
from app.services.recommendations import match_queries as match_lists
from app.services.recommendations import rebuild as matches
from app.web.form_helpers import ActionForm
from app.web.request_context import actor_id, get_session, safe_next

bp = Blueprint("matches", __name__)


def _filters() -> match_lists.MatchFilters:
    args = request.args
    try:
        min_score = min(max(float(args.get("min_score") or 0), 0.0), 1.0)
    except ValueError:
        min_score = 0.0
    trl = args.get("trl_min", "")
    page = args.get("page", "1")
    band = args.get("min_strength", "")
    return match_lists.MatchFilters(
        min_score=min_score, min_band=band if band in strength.BANDS else strength.DEFAULT_MIN_BAND,
        sector=args.get("sector") if args.get("sector") in SECTORS else "",
        trl_min=int(trl) if trl.isdigit() and 1 <= int(trl) <= 9 else None,
        page=int(page) if page.isdigit() and int(page) < 10**6 else 1,
    )


def _render(page, title: str, subject=None, also=None, refresh_status=None):
    pairs = [(m.challenge_id, m.solution_id) for m in page.items]
    verdicts = match_lists.verdicts(get_session(), current_user.organisation_id, pairs)
    return render_template("matches/list.html", page=page, title=title, subject=subject, filters=_filters(),
                           verdicts=verdicts, action_form=ActionForm(), buyer_view=current_user.is_buyer,
                           also=also or {}, refresh_status=refresh_status, bands=strength.BANDS,
                           default_band=strength.DEFAULT_MIN_BAND)


@bp.route("/matches")
@login_required
def overview():
    filters = _filters()
    page = match_lists.for_organisation(get_session(), actor_id(), filters, one_per_opportunity=True)
    also = match_lists.also_fits(get_session(), actor_id(), page.items, filters)
    title = "Solutions for your challenges" if current_user.is_buyer else "Open challenges for your solutions"
    return _render(page, title, also=also)


@bp.route("/challenges/<int:challenge_id>/matches")
@login_required
def for_challenge(challenge_id: int):
    page = match_lists.for_challenge(get_session(), actor_id(), challenge_id, _filters())
    challenge = challenges.view_challenge(get_session(), challenge_id, current_user.organisation_id)
    return _render(page, f"Matching solutions: {challenge.title}", challenge,
                   refresh_status=due.status(get_session(), due.CHALLENGE, challenge_id))


@bp.route("/solutions/<int:solution_id>/matches")
@login_required
def for_solution(solution_id: int):
    page = match_lists.for_solution(get_session(), actor_id(), solution_id, _filters())
    solution = solutions.view_solution(get_session(), solution_id, current_user.organisation_id)
    return _render(page, f"Open challenges for: {solution.title}", solution,
                   refresh_status=due.status(get_session(), due.SOLUTION, solution_id))


@bp.route("/matches/feedback", methods=["POST"])
@login_required
def feedback():
    form = ActionForm()
    if form.validate_on_submit():
        match_lists.record_feedback(get_session(), actor_id(), _int("challenge_id"), _int("solution_id"),
                                    request.form.get("verdict", ""))
        labels = {"relevant": "Marked relevant", "not_relevant": "Marked not relevant", "hidden": "Hidden"}
        if request.form["verdict"] == "hidden":  # the flash offers Undo for exactly this pair
            session["last_hidden"] = [_int("challenge_id"), _int("solution_id")]
            flash("Match hidden: it will not appear in your lists or digests.", "undo-hide")
        else:
            flash(f"{labels[request.form['verdict']]}. Your rankings now take it into account.", "success")
    return safe_next(request.form.get("next"), "matches.overview")


def _int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


@bp.route("/challenges/<int:challenge_id>/similar")
@login_required
def similar(challenge_id: int):
    db = get_session()
    draft = challenges.owned_challenge(db, actor_id(), challenge_id)
    neighbours = matches.similar_open_challenges(db, draft)
    return render_template("matches/similar.html", draft=draft, neighbours=neighbours)
