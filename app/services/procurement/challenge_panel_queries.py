"""What the challenge page shows about applications, criteria and pilots, for one viewer."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Application, Challenge, EvaluationCriterion, Match, MatchFeedback, Pilot, Solution, User
from app.services.marketplace import challenge_access as access
from app.services.procurement.applications import accepting_applications, criteria_of
from app.services.recommendations.strength import default_min_score
from app.services.transparency.pilot_register_queries import pilots_of_challenge


@dataclass
class ChallengePanel:
    criteria: list[EvaluationCriterion]
    accepting: bool
    is_owner: bool = False  # lead or co-owner: may change the challenge
    role: str | None = None  # lead | co_owner | observer | None (app.services.marketplace.challenge_access)
    is_innovator: bool = False
    own_applications: list[Application] = field(default_factory=list)
    application_count: int = 0
    pilots: list[Pilot] = field(default_factory=list)
    match_count: int = 0


def challenge_panel(session: Session, challenge: Challenge, viewer_id: int | None) -> ChallengePanel:
    """Criteria (public), the viewer's own applications, counts and pilots visible to this viewer."""
    viewer = session.get(User, viewer_id) if viewer_id else None
    org_id = viewer.organisation_id if viewer else None
    side = viewer.organisation.side if viewer and viewer.organisation else None
    role = access.role_of(session, challenge, org_id)
    panel = ChallengePanel(criteria=criteria_of(session, challenge.id), accepting=accepting_applications(challenge),
                           is_owner=role is not None and access.MANAGE in access.ROLE_ACTIONS[role], role=role,
                           is_innovator=side == "innovator")
    if panel.is_innovator:
        panel.own_applications = list(session.scalars(select(Application).where(
            Application.challenge_id == challenge.id, Application.organisation_id == org_id)))
    panel.application_count = session.scalar(select(func.count()).select_from(Application).where(
        Application.challenge_id == challenge.id, Application.status != "withdrawn")) or 0
    panel.pilots = pilots_of_challenge(session, challenge.id, org_id)
    if panel.is_owner and challenge.status == "open":  # the matches page lists open challenges only
        panel.match_count = matching_solution_count(session, challenge.id, challenge.organisation_id)
    return panel


def matching_solution_count(session: Session, challenge_id: int, org_id: int) -> int:
    """How many published solutions the challenge's matches page lists by default (pairs the buyer hid
    and those below the default strength band left out)."""
    hidden = select(MatchFeedback.id).where(
        MatchFeedback.organisation_id == org_id, MatchFeedback.verdict == "hidden",
        MatchFeedback.challenge_id == Match.challenge_id, MatchFeedback.solution_id == Match.solution_id)
    statement = (select(func.count()).select_from(Match).join(Match.solution)
                 .where(Match.challenge_id == challenge_id, Solution.status == "published",
                        Solution.hidden_at.is_(None), Solution.organisation_id != org_id, ~hidden.exists(),
                        Match.score >= default_min_score()))
    return session.scalar(statement) or 0


def received_applications(session: Session, actor_id: int) -> list[Application]:
    """Applications to the actor's organisation's challenges (a buyer's Applications page), newest first."""
    viewer = session.get(User, actor_id)
    if viewer is None or viewer.organisation_id is None:
        return []
    statement = (select(Application).join(Application.challenge)
                 .where(Challenge.organisation_id == viewer.organisation_id, Application.status != "withdrawn")
                 .order_by(Application.created_at.desc(), Application.id.desc()))
    return list(session.scalars(statement))
