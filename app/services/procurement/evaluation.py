"""Buyer evaluation: weighted criteria, conflict-of-interest declarations, audited scores, decisions, ranking."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Application, ConflictDeclaration, EvaluationCriterion, Score, ScoreChange, User
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace.challenges import owned_challenge
from app.services.procurement import application_notices as application_mail
from app.services.procurement.applications import criteria_of
from app.services.settings import ServiceSettings
from app.services.transitions import claim_status

MAX_SCORE = 10
MAX_CRITERIA = 10
DECISIONS = ("shortlisted", "rejected")
SCORING_STATUSES = ("open", "evaluation")


@dataclass
class CriterionData:
    name: str
    weight: int | None
    description: str = ""


@dataclass
class RankedRow:
    application: Application
    per_criterion: dict[int, float | None] = field(default_factory=dict)
    total: float | None = None
    evaluators: int = 0


def set_criteria(session: Session, actor_id: int, challenge_id: int,
                 criteria: list[CriterionData]) -> list[EvaluationCriterion]:
    """Replace the criteria of a draft or open challenge, as long as nobody has scored yet."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status not in ("draft", "open"):
        raise InvalidTransition("Criteria can only change before evaluation starts.")
    existing = criteria_of(session, challenge.id)
    if existing and session.scalar(select(Score.id).where(Score.criterion_id.in_([c.id for c in existing]))):
        raise InvalidTransition("Applications have been scored: the criteria are fixed now.")
    errors = _criteria_problems(criteria)
    if errors:
        raise ValidationFailed(errors)
    session.execute(delete(EvaluationCriterion).where(EvaluationCriterion.challenge_id == challenge.id))
    rows = [EvaluationCriterion(challenge_id=challenge.id, name=c.name.strip(), weight=c.weight,
                                description=c.description.strip(), position=n) for n, c in enumerate(criteria)]
    session.add_all(rows)
    session.commit()
    return rows


def _criteria_problems(criteria: list[CriterionData]) -> dict[str, str]:
    if not criteria:
        return {"criteria": "Give at least one criterion."}
    if len(criteria) > MAX_CRITERIA:
        return {"criteria": f"At most {MAX_CRITERIA} criteria."}
    for n, criterion in enumerate(criteria):
        if not criterion.name.strip() or len(criterion.name.strip()) > 120:
            return {"criteria": f"Criterion {n + 1} needs a name of at most 120 characters."}
        if criterion.weight is None or not 1 <= criterion.weight <= 100:
            return {"criteria": f"The weight of '{criterion.name.strip()}' must be between 1 and 100."}
        if len(criterion.description) > 500:
            return {"criteria": f"The description of '{criterion.name.strip()}' is too long (500 at most)."}
    if len({c.name.strip().lower() for c in criteria}) != len(criteria):
        return {"criteria": "Each criterion needs a different name."}
    return {}


def declare_no_conflict(session: Session, actor_id: int, challenge_id: int) -> ConflictDeclaration:
    """Record that the evaluator has no conflict of interest for this challenge (idempotent)."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    declaration = _declaration(session, actor_id, challenge.id)
    if declaration is None:
        declaration = ConflictDeclaration(challenge_id=challenge.id, user_id=actor_id)
        session.add(declaration)
        session.commit()
    return declaration


def _declaration(session: Session, actor_id: int, challenge_id: int) -> ConflictDeclaration | None:
    return session.scalar(select(ConflictDeclaration).where(
        ConflictDeclaration.challenge_id == challenge_id, ConflictDeclaration.user_id == actor_id))


def has_declared(session: Session, actor_id: int, challenge_id: int) -> bool:
    return _declaration(session, actor_id, challenge_id) is not None


def _buyer_application(session: Session, actor_id: int, application_id: int,
                       action: str = access.MANAGE) -> Application:
    """The application if the actor's organisation may ``action`` its challenge.

    Someone outside the buyer group gets NotFound (an application's existence is private); an observer asking to
    change gets Forbidden with a message, so a replayed or hand-made form never passes silently.
    """
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("No such application.")
    try:
        access.authorise(session, actor_id, application.challenge_id, action)
    except Forbidden as exc:
        if access.may(session, application.challenge, _org_of(session, actor_id), access.READ):
            raise
        raise NotFound("No such application.") from exc
    except NotFound as exc:
        raise NotFound("No such application.") from exc
    return application


def _org_of(session: Session, actor_id: int) -> int | None:
    actor = session.get(User, actor_id)
    return actor.organisation_id if actor else None


def score_application(session: Session, actor_id: int, application_id: int,
                      scores: dict[int, tuple[int | None, str]]) -> list[Score]:
    """Set the actor's scores (criterion id -> (0..10, comment)); every change is appended to the audit trail."""
    application = _buyer_application(session, actor_id, application_id)
    if not has_declared(session, actor_id, application.challenge_id):
        raise Forbidden("Declare that you have no conflict of interest before scoring.")
    if application.challenge.status not in SCORING_STATUSES or application.status == "withdrawn":
        raise InvalidTransition("This application can no longer be scored.")
    criteria = {c.id: c for c in criteria_of(session, application.challenge_id)}
    errors = _score_problems(scores, criteria)
    if errors:
        raise ValidationFailed(errors)
    stored = [_set_score(session, actor_id, application.id, cid, value, comment.strip())
              for cid, (value, comment) in scores.items() if value is not None]
    session.commit()
    return stored


def _score_problems(scores: dict[int, tuple[int | None, str]], criteria: dict) -> dict[str, str]:
    errors = {}
    for cid, (value, comment) in scores.items():
        if cid not in criteria:
            errors[f"score_{cid}"] = "Unknown criterion."
        elif value is not None and not 0 <= value <= MAX_SCORE:
            errors[f"score_{cid}"] = f"Give a score from 0 to {MAX_SCORE}."
        elif len(comment) > 2000:
            errors[f"comment_{cid}"] = "At most 2000 characters."
    if not errors and all(value is None for value, _ in scores.values()):
        errors["scores"] = "Give at least one score."
    return errors


def _set_score(session: Session, actor_id: int, application_id: int, criterion_id: int, value: int,
               comment: str) -> Score:
    score = session.scalar(select(Score).where(
        Score.application_id == application_id, Score.criterion_id == criterion_id, Score.evaluator_id == actor_id))
    if score is not None and score.value == value and score.comment == comment:
        return score
    session.add(ScoreChange(application_id=application_id, criterion_id=criterion_id, evaluator_id=actor_id,
                            old_value=score.value if score else None, new_value=value,
                            old_comment=score.comment if score else "", new_comment=comment))
    if score is None:
        score = Score(application_id=application_id, criterion_id=criterion_id, evaluator_id=actor_id)
        session.add(score)
    score.value, score.comment = value, comment
    return score


def decide_application(session: Session, actor_id: int, application_id: int, decision: str, reason: str,
                       *, settings: ServiceSettings, notify: bool = True) -> Application:
    """Shortlist or reject with a reason the applicant will read; the applicant is e-mailed."""
    application = _buyer_application(session, actor_id, application_id)
    if decision not in DECISIONS:
        raise ValidationFailed({"decision": "Choose shortlist or reject."})
    if not reason.strip() or len(reason.strip()) > 1000:
        raise ValidationFailed({"reason": "Give a reason of at most 1000 characters; the applicant will read it."})
    if application.status in ("withdrawn", "awarded") or application.challenge.status not in SCORING_STATUSES:
        raise InvalidTransition(f"A {application.status} application cannot be {decision} now.")
    claim_status(session, application, decision, noun="application")
    application.status_reason = reason.strip()
    application.decided_at = utcnow()
    if notify:
        application_mail.notify_status(session, application, settings)
    session.commit()
    return application


def ranked_table(session: Session, actor_id: int, challenge_id: int) -> list[RankedRow]:
    """Applications ranked by weighted total (0-100): per criterion the mean over evaluators, weighted."""
    challenge = access.authorise(session, actor_id, challenge_id, access.READ)  # observers read scores too
    criteria = criteria_of(session, challenge.id)
    applications = session.scalars(select(Application).where(
        Application.challenge_id == challenge.id, Application.status != "withdrawn"))
    rows = [_row(session, application, criteria) for application in applications]
    # Unscored applications last; ties broken by application id so the order is stable.
    return sorted(rows, key=lambda r: (r.total is None, -(r.total or 0), r.application.id))


def _row(session: Session, application: Application, criteria: list[EvaluationCriterion]) -> RankedRow:
    scores = list(session.scalars(select(Score).where(Score.application_id == application.id)))
    row = RankedRow(application=application, evaluators=len({s.evaluator_id for s in scores}))
    for criterion in criteria:
        values = [s.value for s in scores if s.criterion_id == criterion.id]
        row.per_criterion[criterion.id] = sum(values) / len(values) if values else None
    scored = [(c.weight, row.per_criterion[c.id]) for c in criteria if row.per_criterion[c.id] is not None]
    if scored:
        weight = sum(w for w, _ in scored)
        row.total = round(sum(w * v for w, v in scored) / weight * (100 / MAX_SCORE), 1)
    return row


def my_scores(session: Session, actor_id: int, application_id: int) -> dict[int, Score]:
    _buyer_application(session, actor_id, application_id)  # the evaluator's own scores: observers have none
    statement = select(Score).where(Score.application_id == application_id, Score.evaluator_id == actor_id)
    return {score.criterion_id: score for score in session.scalars(statement)}


def score_history(session: Session, actor_id: int, application_id: int) -> list[ScoreChange]:
    """The audit trail of an application, oldest first (buyer only)."""
    _buyer_application(session, actor_id, application_id, access.READ)
    statement = select(ScoreChange).where(ScoreChange.application_id == application_id)
    return list(session.scalars(statement.order_by(ScoreChange.changed_at, ScoreChange.id)))
