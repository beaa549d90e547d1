"""What goes into digests: per batch of users, the unseen items that pass their filters, best first.

Rules that hold for every section: only open challenges and published solutions (never draft, closed,
archived or moderated ones), never an organisation's own items, never a pair the organisation marked
"hidden" or "not relevant", never an item the user already acted on (saved, applied to, marked: news.py)
or already e-mailed to this user (digest_items), and only matches at or above the user's minimum score,
never below the lists' default minimum strength band, and in the user's sectors (when chosen).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from app import models
from app.models import Challenge, DigestItem, Match, MatchFeedback, Organisation, SavedChallenge, Solution
from app.models.solution import SolutionSector
from app.services.digests.news import buyer_acted, innovator_acted
from app.services.digests.preferences import PreferenceData
from app.services.recommendations.strength import default_min_score, strength_of

MAX_MATCHES = 10  # per digest; the rest wait for the next one (they are not marked sent)
MAX_APPLICATIONS = 20
REMINDER_DAYS = 7
SUPPRESSING_VERDICTS = ("hidden", "not_relevant")


@dataclass
class Recipient:
    user_id: int
    email: str
    name: str
    organisation_id: int
    side: str  # buyer | innovator
    preferences: PreferenceData


@dataclass
class DigestEntry:
    key: str  # the digest_items key that stops it from being sent again
    kind: str  # challenge | solution | application | deadline
    challenge_id: int
    target_id: int  # what the link opens: a challenge or a solution
    title: str
    organisation_name: str
    context: str = ""
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    deadline: datetime | None = None

    @property
    def strength(self):
        """The calibrated strength the e-mail shows (the raw score is never shown as a percentage)."""
        return strength_of(self.score)


@dataclass
class DigestContent:
    matches: list[DigestEntry] = field(default_factory=list)
    more_matches: int = 0
    applications: list[DigestEntry] = field(default_factory=list)
    deadlines: list[DigestEntry] = field(default_factory=list)

    @property
    def entries(self) -> list[DigestEntry]:
        return self.matches + self.applications + self.deadlines

    @property
    def is_empty(self) -> bool:
        return not self.entries


def _visible(model) -> list:
    hidden = getattr(model, "hidden_at", None)  # moderation column, when that feature is installed
    return [hidden.is_(None)] if hidden is not None else []


def _not_suppressed(org_column):
    return ~exists().where(MatchFeedback.organisation_id == org_column,
                           MatchFeedback.challenge_id == Match.challenge_id,
                           MatchFeedback.solution_id == Match.solution_id,
                           MatchFeedback.verdict.in_(SUPPRESSING_VERDICTS))


def readable_reasons(reasons: list | None, side: str) -> list[str]:
    """The texts of a stored pair's reasons for the owner of its ``side`` (not the other
    organisation's feedback reasons)."""
    return [str(r.get("text", "")).strip() for r in reasons or []
            if isinstance(r, dict) and r.get("text") and r.get("for", side) == side]


def sent_keys(session: Session, user_ids: list[int]) -> dict[int, set[str]]:
    keys: dict[int, set[str]] = defaultdict(set)
    for user_id, key in session.execute(select(DigestItem.user_id, DigestItem.item_key)
                                        .where(DigestItem.user_id.in_(user_ids))):
        keys[user_id].add(key)
    return keys


def build_contents(session: Session, recipients: list[Recipient], now: datetime) -> dict[int, DigestContent]:
    """The digest content of every recipient in the batch (a few queries per batch, not per user)."""
    contents = {r.user_id: DigestContent() for r in recipients}
    sent = sent_keys(session, [r.user_id for r in recipients])
    innovators = [r for r in recipients if r.side == "innovator"]
    buyers = [r for r in recipients if r.side == "buyer"]
    if innovators:
        _innovator_matches(session, innovators, now, sent, contents)
        _deadline_reminders(session, innovators, now, sent, contents)
    if buyers:
        _buyer_matches(session, buyers, now, sent, contents)
        _new_applications(session, buyers, sent, contents)
    return contents


def _floor(recipients: list[Recipient]) -> float:
    return max(default_min_score(), min(r.preferences.min_score for r in recipients))


def _innovator_matches(session, recipients, now, sent, contents) -> None:
    buyer = aliased(Organisation)
    rows = session.execute(
        select(Match.challenge_id, Match.solution_id, Match.score, Match.reasons, Solution.organisation_id,
               Solution.title, Challenge.title, Challenge.sector, Challenge.deadline, buyer.name)
        .join(Solution, Solution.id == Match.solution_id).join(Challenge, Challenge.id == Match.challenge_id)
        .join(buyer, buyer.id == Challenge.organisation_id)
        .where(Solution.organisation_id.in_({r.organisation_id for r in recipients}),
               Solution.status == "published", Challenge.status == "open", Challenge.deadline > now,
               Challenge.organisation_id != Solution.organisation_id, Match.score >= _floor(recipients),
               _not_suppressed(Solution.organisation_id), *_visible(Challenge), *_visible(Solution))
        .order_by(Match.score.desc(), Match.challenge_id, Match.solution_id)).all()
    by_org = defaultdict(list)
    for row in rows:
        by_org[row[4]].append(row)
    acted = innovator_acted(session, {r.user_id: r.organisation_id for r in recipients})
    for recipient in recipients:
        prefs, seen, done = recipient.preferences, sent[recipient.user_id], acted[recipient.user_id]
        entries: dict[int, DigestEntry] = {}
        for cid, _sid, score, reasons, _org, sol_title, title, sector, deadline, buyer_name in \
                by_org[recipient.organisation_id]:
            key = f"challenge:{cid}"
            wrong_sector = bool(prefs.sectors) and sector not in prefs.sectors
            if cid in entries or cid in done or key in seen or score < prefs.min_score or wrong_sector:
                continue
            entries[cid] = DigestEntry(key=key, kind="challenge", challenge_id=cid, target_id=cid, title=title,
                                       organisation_name=buyer_name, context=f"fits your solution “{sol_title}”",
                                       score=score, reasons=readable_reasons(reasons, "solution"), deadline=deadline)
        _cap(contents[recipient.user_id], list(entries.values()))


def _cap(content: DigestContent, entries: list[DigestEntry]) -> None:
    content.matches = entries[:MAX_MATCHES]
    content.more_matches = max(len(entries) - MAX_MATCHES, 0)


def _solution_sectors(session, solution_ids: set[int]) -> dict[int, set[str]]:
    sectors: dict[int, set[str]] = defaultdict(set)
    for sid, sector in session.execute(select(SolutionSector.solution_id, SolutionSector.sector)
                                       .where(SolutionSector.solution_id.in_(solution_ids))):
        sectors[sid].add(sector)
    return sectors


def _buyer_matches(session, recipients, now, sent, contents) -> None:
    innovator = aliased(Organisation)
    rows = session.execute(
        select(Match.challenge_id, Match.solution_id, Match.score, Match.reasons, Challenge.organisation_id,
               Challenge.title, Solution.title, innovator.name)
        .join(Solution, Solution.id == Match.solution_id).join(Challenge, Challenge.id == Match.challenge_id)
        .join(innovator, innovator.id == Solution.organisation_id)
        .where(Challenge.organisation_id.in_({r.organisation_id for r in recipients}),
               Challenge.status == "open", Solution.status == "published",
               Solution.organisation_id != Challenge.organisation_id, Match.score >= _floor(recipients),
               _not_suppressed(Challenge.organisation_id), *_visible(Challenge), *_visible(Solution))
        .order_by(Match.score.desc(), Match.challenge_id, Match.solution_id)).all()
    sectors = _solution_sectors(session, {row[1] for row in rows}) \
        if any(r.preferences.sectors for r in recipients) else defaultdict(set)
    by_org = defaultdict(list)
    for row in rows:
        by_org[row[4]].append(row)
    done = buyer_acted(session, {r.organisation_id for r in recipients})
    for recipient in recipients:
        prefs, seen, entries = recipient.preferences, sent[recipient.user_id], []
        for cid, sid, score, reasons, _org, ch_title, sol_title, innovator_name in by_org[recipient.organisation_id]:
            key = f"match:{cid}:{sid}"
            if (cid, sid) in done or key in seen or score < prefs.min_score \
                    or (prefs.sectors and not sectors[sid] & set(prefs.sectors)):
                continue
            entries.append(DigestEntry(key=key, kind="solution", challenge_id=cid, target_id=sid, title=sol_title,
                                       organisation_name=innovator_name, context=f"for your challenge “{ch_title}”",
                                       score=score, reasons=readable_reasons(reasons, "challenge")))
        _cap(contents[recipient.user_id], entries)


def _application_model():
    """The Application model when the applications feature is installed (it is built separately)."""
    return getattr(models, "Application", None)


def _new_applications(session, recipients, sent, contents) -> None:
    application = _application_model()
    if application is None:
        return
    innovator = aliased(Organisation)
    rows = session.execute(
        select(application.id, application.challenge_id, Challenge.organisation_id, Challenge.title, Solution.id,
               Solution.title, innovator.name)
        .join(Challenge, Challenge.id == application.challenge_id)
        .join(Solution, Solution.id == application.solution_id)
        .join(innovator, innovator.id == Solution.organisation_id)
        .where(Challenge.organisation_id.in_({r.organisation_id for r in recipients}),
               application.status.notin_(("withdrawn", "draft")))
        .order_by(application.id)).all()
    for recipient in recipients:
        seen = sent[recipient.user_id]
        entries = [DigestEntry(key=f"application:{aid}", kind="application", challenge_id=cid, target_id=cid,
                               title=sol_title, organisation_name=name, context=f"applied to “{ch_title}”")
                   for aid, cid, org, ch_title, _sid, sol_title, name in rows
                   if org == recipient.organisation_id and f"application:{aid}" not in seen]
        contents[recipient.user_id].applications = entries[:MAX_APPLICATIONS]


def _deadline_reminders(session, recipients, now, sent, contents) -> None:
    """Open challenges a user saved, or its organisation applied to, that close within REMINDER_DAYS."""
    soon = and_(Challenge.status == "open", Challenge.deadline > now,
                Challenge.deadline <= now + timedelta(days=REMINDER_DAYS), *_visible(Challenge))
    wanted: dict[int, dict[int, str]] = defaultdict(dict)  # user -> challenge -> why
    user_ids = [r.user_id for r in recipients]
    for user_id, cid in session.execute(select(SavedChallenge.user_id, SavedChallenge.challenge_id)
                                        .join(Challenge, Challenge.id == SavedChallenge.challenge_id)
                                        .where(SavedChallenge.user_id.in_(user_ids), soon)):
        wanted[user_id][cid] = "you saved it"
    _applied_challenges(session, recipients, soon, wanted)
    challenges = {c.id: c for c in session.scalars(select(Challenge).where(
        Challenge.id.in_({cid for per_user in wanted.values() for cid in per_user})))}
    for recipient in recipients:
        entries = []
        for cid, why in sorted(wanted[recipient.user_id].items(), key=lambda item: challenges[item[0]].deadline):
            key = f"deadline:{cid}"
            if key not in sent[recipient.user_id]:
                challenge = challenges[cid]
                entries.append(DigestEntry(key=key, kind="deadline", challenge_id=cid, target_id=cid,
                                           title=challenge.title, organisation_name=challenge.organisation.name,
                                           context=why, deadline=challenge.deadline))
        contents[recipient.user_id].deadlines = entries


def _applied_challenges(session, recipients, soon, wanted) -> None:
    application = _application_model()
    if application is None:
        return
    org_users = defaultdict(list)
    for r in recipients:
        org_users[r.organisation_id].append(r.user_id)
    rows = session.execute(select(Solution.organisation_id, application.challenge_id)
                           .join(Solution, Solution.id == application.solution_id)
                           .join(Challenge, Challenge.id == application.challenge_id)
                           .where(Solution.organisation_id.in_(org_users), soon,
                                  application.status.in_(("submitted", "shortlisted"))))
    for org_id, cid in rows:
        for user_id in org_users[org_id]:
            wanted[user_id][cid] = "your organisation applied"
