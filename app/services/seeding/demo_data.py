"""Load the demo data set through the same services that users go through, idempotently."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Challenge, Organisation, Solution
from app.services.accounts import passwords
from app.services.accounts import users as accounts
from app.services.marketplace import challenges, solutions
from app.services.seeding import buyer_groups as group_seeding
from app.services.seeding import clarifications as clarification_seeding
from app.services.seeding import pilots as pilot_seeding
from app.services.settings import ServiceSettings

DEMO_PASSWORD = "civimatch-demo"  # noqa: S105 (published demo logins, see README)
SEED_FILES = ("organisations", "challenges", "solutions")
OPTIONAL_SEED_FILES = ("pilots", "buyer_groups", "clarifications")  # each loaded by app.services.seeding.<name>


class SeedFileError(Exception):
    """A seed file is missing, is not valid JSON, or a row lacks a field."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        kinds = SEED_FILES + ("applications", "pilots", "buyer_groups", "clarifications")
        parts = [f"{kind}: {self.created[kind]} created, {self.existing[kind]} already there" for kind in kinds]
        return "; ".join(parts)


def read_seed_files(folder: Path) -> dict[str, list[dict]]:
    data = {}
    for name in SEED_FILES + OPTIONAL_SEED_FILES:
        path = folder / f"{name}.json"
        if name in OPTIONAL_SEED_FILES and not path.exists():
            continue
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SeedFileError(f"seed file missing: {path}") from exc
        except json.JSONDecodeError as exc:
            raise SeedFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return data


def load(session: Session, data: dict[str, list[dict]], *, settings: ServiceSettings,
         progress: Callable[[int], None] = lambda n: None) -> SeedReport:
    """Create what is missing; rows are matched on member e-mail and on (organisation, title).

    Raises SeedFileError for a row that lacks a field or names an unknown organisation, and the
    services' errors (ValidationFailed ...) for values they refuse.
    """
    report = SeedReport()
    try:
        with passwords.reuse_hash_for(DEMO_PASSWORD):  # every demo account has the same published password
            _load_rows(session, data, settings, progress, report)
    except (KeyError, TypeError, AttributeError) as exc:
        raise SeedFileError(f"seed data malformed: missing or wrong field {exc}") from exc
    return report


def _load_rows(session: Session, data: dict[str, list[dict]], settings: ServiceSettings,
               progress: Callable[[int], None], report: SeedReport) -> None:
    users = {}
    for row in data["organisations"]:
        users[row["key"]] = _organisation(session, row, report)
        progress(1)
    for row in data["challenges"]:
        _challenge(session, users[row["buyer"]], row, settings, report)
        progress(1)
    for row in data["solutions"]:
        _solution(session, users[row["innovator"]], row, report)
        progress(1)
    for entry in data.get("buyer_groups", []):  # joint challenges: before pilots, which may award them
        group_seeding.load_group(session, users, entry, settings, report)
        progress(1)
    for entry in data.get("clarifications", []):  # questions while the joint challenge is still open
        clarification_seeding.load_entry(session, users, entry, settings, report)
        progress(1)
    for entry in data.get("pilots", []):
        pilot_seeding.load_entry(session, users, data, entry, settings, report)
        progress(1)


def _organisation(session: Session, row: dict, report: SeedReport) -> int:
    user = accounts.find_user_by_email(session, row["member"]["email"])
    if user is not None:
        report.existing["organisations"] += 1
        return user.id
    org = accounts.OrganisationData(
        name=row["name"], side=row["side"], kind=row["kind"], country=row["country"], city=row.get("city", ""),
        size=row.get("size", ""), website=row.get("website", ""), description=row.get("description", ""),
    )
    signup = accounts.SignupData(name=row["member"]["name"], email=row["member"]["email"],
                                 password=DEMO_PASSWORD, organisation=org)
    user = accounts.sign_up(session, signup)
    # Demo organisations stand for bodies an admin has already checked.
    session.get(Organisation, user.organisation_id).verified = True
    user.email_confirmed_at = utcnow()  # demo addresses (.example) cannot receive the confirmation link
    session.commit()
    report.created["organisations"] += 1
    return user.id


def _exists(session: Session, model, user_id: int, title: str) -> bool:
    org_id = accounts.session_user(session, user_id).organisation_id
    return session.scalar(select(model.id).where(model.organisation_id == org_id, model.title == title)) is not None


def _challenge(session: Session, user_id: int, row: dict, settings: ServiceSettings, report: SeedReport) -> None:
    if _exists(session, Challenge, user_id, row["title"]):
        report.existing["challenges"] += 1
        return
    days = row.get("deadline_days", 30)
    data = challenges.ChallengeData(
        title=row["title"], summary=row["summary"], problem_statement=row["problem_statement"],
        desired_outcomes=row.get("desired_outcomes", ""), sector=row["sector"], tags=row.get("tags", []),
        trl_expected=row["trl_expected"], budget_min=row.get("budget_min"), budget_max=row.get("budget_max"),
        currency=row.get("currency", "EUR"), location=row.get("location", ""),
        country=accounts.session_user(session, user_id).organisation.country,
        deadline=utcnow() + timedelta(days=max(days, 1)),
    )
    challenge = challenges.create_challenge(session, user_id, data)
    if row.get("status") in {"open", "closed"}:
        challenges.publish_challenge(session, user_id, challenge.id, settings=settings)
    if row.get("status") == "closed":
        challenges.close_challenge(session, user_id, challenge.id, settings=settings)
        # A closed demo challenge shows its historical deadline, which the services refuse for new input.
        challenge.deadline = utcnow() + timedelta(days=days)
        session.commit()
    report.created["challenges"] += 1


def _solution(session: Session, user_id: int, row: dict, report: SeedReport) -> None:
    if _exists(session, Solution, user_id, row["title"]):
        report.existing["solutions"] += 1
        return
    data = solutions.SolutionData(
        title=row["title"], summary=row["summary"], description=row["description"], sectors=row["sectors"],
        tags=row.get("tags", []), trl=row["trl"], deployed_in=row.get("deployed_in", ""),
        pricing_model=row["pricing_model"], website=row.get("website", ""),
    )
    solution = solutions.create_solution(session, user_id, data)
    if row.get("status") in {"published", "archived"}:
        solutions.publish_solution(session, user_id, solution.id)
    if row.get("status") == "archived":
        solutions.archive_solution(session, user_id, solution.id)
    report.created["solutions"] += 1
