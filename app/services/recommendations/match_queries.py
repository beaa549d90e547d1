"""Reading stored matches for the people they concern, and recording their feedback."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, contains_eager

from app.models import Challenge, Match, MatchFeedback, Solution, SolutionSector, User
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenges as challenge_service
from app.services.marketplace import solutions as solution_service
from app.services.pagination import Page, paginate
from app.services.recommendations import due
from app.services.recommendations import rebuild as matches
from app.services.recommendations.strength import DEFAULT_MIN_BAND, min_score_for


@dataclass
class MatchFilters:
    min_score: float = 0.0
    # Lists show this calibrated band and above unless asked otherwise: nothing weaker is a "match for you".
    min_band: str = DEFAULT_MIN_BAND
    sector: str = ""
    trl_min: int | None = None
    page: int = 1
    per_page: int = 20


def _visible_pairs(org_id: int) -> Select:
    """Matches whose both sides are public and active, minus the pairs this organisation hid."""
    hidden = select(MatchFeedback.id).where(
        MatchFeedback.organisation_id == org_id, MatchFeedback.verdict == "hidden",
        MatchFeedback.challenge_id == Match.challenge_id, MatchFeedback.solution_id == Match.solution_id,
    )
    statement = (
        select(Match).join(Match.challenge).join(Match.solution)
        # Cards name both sides' organisations: one query for them all, not one per card.
        .options(contains_eager(Match.challenge).selectinload(Challenge.organisation),
                 contains_eager(Match.solution).selectinload(Solution.organisation))
        .where(Challenge.status == "open", Solution.status == "published", ~hidden.exists())
        .where(Challenge.organisation_id != Solution.organisation_id)
    )
    for model in (Challenge, Solution):
        if hasattr(model, "hidden_at"):
            statement = statement.where(model.hidden_at.is_(None))
    return statement


def _filtered(statement: Select, filters: MatchFilters, other: type) -> Select:
    statement = statement.where(Match.score >= max(filters.min_score, min_score_for(filters.min_band)))
    if other is Solution:
        if filters.sector:
            sector_ids = select(SolutionSector.solution_id).where(SolutionSector.sector == filters.sector)
            statement = statement.where(Solution.id.in_(sector_ids))
        if filters.trl_min is not None:
            statement = statement.where(Solution.trl >= filters.trl_min)
    else:
        if filters.sector:
            statement = statement.where(Challenge.sector == filters.sector)
        if filters.trl_min is not None:
            statement = statement.where(Challenge.trl_expected >= filters.trl_min)
    return statement.order_by(_rank_key(other).desc(), Match.challenge_id, Match.solution_id)


def _rank_key(other: type):
    """The order of a list of ``other``-side items: the owner's feedback-aware rank score (the
    shown strength stays ``Match.score``)."""
    return Match.rank_score_for_challenge if other is Solution else Match.rank_score_for_solution


def for_challenge(session: Session, actor_id: int, challenge_id: int, filters: MatchFilters) -> Page[Match]:
    """Ranked solutions for one of the actor's challenges."""
    challenge = challenge_service.owned_challenge(session, actor_id, challenge_id)
    statement = _visible_pairs(challenge.organisation_id).where(Match.challenge_id == challenge.id)
    return paginate(session, _filtered(statement, filters, Solution), filters.page, filters.per_page)


def for_solution(session: Session, actor_id: int, solution_id: int, filters: MatchFilters) -> Page[Match]:
    """Ranked open challenges for one of the actor's solutions."""
    solution = solution_service.owned_solution(session, actor_id, solution_id)
    statement = _visible_pairs(solution.organisation_id).where(Match.solution_id == solution.id)
    return paginate(session, _filtered(statement, filters, Challenge), filters.page, filters.per_page)


def for_organisation(
    session: Session, actor_id: int, filters: MatchFilters, one_per_opportunity: bool = False,
) -> Page[Match]:
    """All matches of the actor's organisation, best first (the dashboard).

    With ``one_per_opportunity`` an item of the other side appears once, as its best pair
    with one of the organisation's items (``also_fits`` names the others): an innovator
    with three solutions for the same challenge sees that challenge once, not three times.
    """
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None:
        raise Forbidden("Only members of an organisation have matches.")
    org = actor.organisation
    own = Challenge if org.side == "buyer" else Solution
    statement = _filtered(_visible_pairs(org.id).where(own.organisation_id == org.id), filters,
                          Solution if own is Challenge else Challenge)
    if one_per_opportunity:
        statement = statement.where(Match.id.in_(_best_pair_ids(statement, org.side)))
    return paginate(session, statement, filters.page, filters.per_page)


def also_fits(session: Session, actor_id: int, shown: list[Match], filters: MatchFilters) -> dict[int, list]:
    """For each shown pair's other-side item, the organisation's other items it also matches.

    Keyed by Match id; values are the organisation's challenges or solutions, best first.
    """
    actor = session.get(User, actor_id)
    if not shown or actor is None or actor.organisation is None:
        return {}
    org = actor.organisation
    own = Challenge if org.side == "buyer" else Solution
    key = _other_key(org.side)
    shown_by_other = {getattr(m, key.key): m for m in shown}
    statement = _filtered(_visible_pairs(org.id).where(own.organisation_id == org.id), filters,
                          Solution if own is Challenge else Challenge).where(key.in_(shown_by_other))
    extra: dict[int, list] = {}
    for pair in session.scalars(statement).unique():
        best = shown_by_other[getattr(pair, key.key)]
        if pair.id != best.id:
            extra.setdefault(best.id, []).append(pair.challenge if own is Challenge else pair.solution)
    return extra


def _other_key(side: str):
    return Match.solution_id if side == "buyer" else Match.challenge_id


def _best_pair_ids(statement: Select, side: str) -> Select:
    """Ids of the best pair of each other-side item among the pairs ``statement`` selects."""
    rank_key = _rank_key(Solution if side == "buyer" else Challenge)
    place = func.row_number().over(
        partition_by=_other_key(side), order_by=(rank_key.desc(), Match.challenge_id, Match.solution_id))
    ranked = (statement.with_only_columns(Match.id.label("id"), place.label("place"), maintain_column_froms=True)
              .order_by(None).subquery())
    return select(ranked.c.id).where(ranked.c.place == 1)


def verdicts(session: Session, org_id: int, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The organisation's verdicts on the given (challenge, solution) pairs."""
    if not pairs:
        return {}
    rows = session.scalars(select(MatchFeedback).where(
        MatchFeedback.organisation_id == org_id,
        MatchFeedback.challenge_id.in_({c for c, _ in pairs}),
        MatchFeedback.solution_id.in_({s for _, s in pairs}),
    ))
    return {(row.challenge_id, row.solution_id): row.verdict for row in rows}


def record_feedback(session: Session, actor_id: int, challenge_id: int, solution_id: int, verdict: str) -> None:
    """Store the actor's organisation's verdict on a pair and re-rank its own item with it."""
    if verdict not in matches.VERDICTS:
        raise ValidationFailed({"verdict": "Choose relevant, not relevant or hide."})
    actor = session.get(User, actor_id)
    challenge, solution = session.get(Challenge, challenge_id), session.get(Solution, solution_id)
    if actor is None or actor.organisation_id is None or challenge is None or solution is None:
        raise NotFound("No such match.")
    own = challenge if challenge.organisation_id == actor.organisation_id else solution
    if own.organisation_id != actor.organisation_id:
        raise Forbidden("You can only give feedback on matches for your own items.")
    # The other side must be one the actor may see: a mark on another organisation's draft (or a
    # moderated item) would store a row about something that, to this user, does not exist.
    try:
        if own is challenge:
            solution_service.view_solution(session, solution.id, actor.organisation_id)
        else:
            challenge_service.view_challenge(session, challenge.id, actor.organisation_id)
    except NotFound:
        raise NotFound("No such match.") from None
    existing = session.scalar(select(MatchFeedback).where(and_(
        MatchFeedback.organisation_id == actor.organisation_id, MatchFeedback.challenge_id == challenge_id,
        MatchFeedback.solution_id == solution_id)))
    row = existing or MatchFeedback(organisation_id=actor.organisation_id, challenge_id=challenge_id,
                                    solution_id=solution_id)
    row.verdict, row.user_id = verdict, actor_id
    session.add(row)
    if verdict != "hidden":  # a hidden pair is filtered out at once; the others re-rank the item
        due.mark_due(session, due.kind_of(own), own.id)
    session.commit()
