"""Solutions: create, edit, publish, archive; who may see and change them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from app.code_lists import PRICING_MODELS
from app.db import utcnow
from app.models import Solution, User
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import content_rules as rules
from app.services.recommendations import due
from app.services.transitions import claim_status

PUBLIC_STATUSES: tuple[str, ...] = ("published",)
TRANSITIONS: dict[str, set[str]] = {"draft": {"published"}, "published": {"archived"}, "archived": {"published"}}
TEXT_LIMITS = {"title": 200, "summary": 500, "description": 10000, "deployed_in": 500, "website": 300}
SINGLE_LINE = {"title", "deployed_in", "website"}
MAX_SECTORS = 3


@dataclass
class SolutionData:
    title: str
    summary: str
    description: str
    sectors: list[str]
    trl: int | None
    pricing_model: str
    tags: list[str] = field(default_factory=list)
    deployed_in: str = ""
    website: str = ""


def validate(data: SolutionData) -> dict[str, str]:
    """Field errors for solution data; an empty dict means valid."""
    errors = rules.length_problems(asdict(data), TEXT_LIMITS, {"title", "summary", "description"})
    errors.update(rules.tag_problems(data.tags))
    errors.update(rules.text_problems(asdict(data), data.tags))
    sector_errors = [rules.sector_problem(code) for code in data.sectors]
    checks = {
        "sectors": next((e for e in sector_errors if e), None) or _sector_count_problem(data.sectors),
        "trl": rules.trl_problem(data.trl),
        "pricing_model": None if data.pricing_model in PRICING_MODELS else "Choose a pricing model from the list.",
        "website": _website_problem(data.website),
    }
    errors.update({name: message for name, message in checks.items() if message})
    return errors


def _sector_count_problem(sectors: list[str]) -> str | None:
    if not sectors:
        return "Choose at least one sector."
    return f"Choose at most {MAX_SECTORS} sectors." if len(sectors) > MAX_SECTORS else None


def _website_problem(url: str) -> str | None:
    if url and not url.startswith(("https://", "http://")):
        return "Give a web address starting with https://"
    return None


def owned_solution(session: Session, actor_id: int, solution_id: int) -> Solution:
    """The solution if the actor's organisation owns it; otherwise NotFound or Forbidden."""
    solution = session.get(Solution, solution_id)
    actor = session.get(User, actor_id)
    if solution is None:
        raise NotFound("No such solution.")
    if actor is None or actor.organisation_id != solution.organisation_id:
        if solution.status not in PUBLIC_STATUSES or solution.hidden_at is not None:
            raise NotFound("No such solution.")
        raise Forbidden("Only the organisation that listed this solution can change it.")
    return solution


def _actor_org(session: Session, actor_id: int):
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "innovator":
        raise Forbidden("Only members of an innovating organisation can list solutions.")
    return actor.organisation


def _checked(data: SolutionData) -> dict:
    data.tags = rules.clean_tags(data.tags)
    data.sectors = list(dict.fromkeys(data.sectors))
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    return rules.clean_text(asdict(data), TEXT_LIMITS, SINGLE_LINE)


def create_solution(session: Session, actor_id: int, data: SolutionData) -> Solution:
    """Store a new draft solution for the actor's organisation."""
    org = _actor_org(session, actor_id)
    values = _checked(data)
    solution = Solution(organisation_id=org.id, created_by_id=actor_id, status="draft", country=org.country)
    for name, value in values.items():
        setattr(solution, name, value)
    session.add(solution)
    session.commit()
    return solution


def update_solution(session: Session, actor_id: int, solution_id: int, data: SolutionData) -> Solution:
    solution = owned_solution(session, actor_id, solution_id)
    for name, value in _checked(data).items():
        setattr(solution, name, value)
    due.mark_due(session, due.SOLUTION, solution.id)  # same transaction as the change
    session.commit()
    return solution


def change_status(session: Session, actor_id: int, solution_id: int, new_status: str) -> Solution:
    """Move a solution along its lifecycle; invalid moves raise InvalidTransition."""
    solution = owned_solution(session, actor_id, solution_id)
    if new_status not in TRANSITIONS.get(solution.status, set()):
        raise InvalidTransition(f"A {solution.status} solution cannot become {new_status}.")
    claim_status(session, solution, new_status, noun="solution")
    if new_status == "published" and solution.published_at is None:
        solution.published_at = utcnow()
    due.mark_due(session, due.SOLUTION, solution.id)  # same transaction as the change
    session.commit()
    return solution


def publish_solution(session: Session, actor_id: int, solution_id: int) -> Solution:
    return change_status(session, actor_id, solution_id, "published")


def archive_solution(session: Session, actor_id: int, solution_id: int) -> Solution:
    return change_status(session, actor_id, solution_id, "archived")


def view_solution(session: Session, solution_id: int, viewer_org_id: int | None) -> Solution:
    """The solution as a viewer may see it; drafts and archived ones stay with their organisation."""
    solution = session.get(Solution, solution_id)
    if solution is None:
        raise NotFound("No such solution.")
    hidden = solution.status not in PUBLIC_STATUSES or solution.hidden_at is not None  # hidden: moderation
    if hidden and solution.organisation_id != viewer_org_id:
        raise NotFound("No such solution.")
    return solution
