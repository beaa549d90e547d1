"""OCDS 1.1 release package: one contracting process per public challenge, its pilots as award + contract."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.code_lists import SECTORS, country_name
from app.db import utcnow
from app.models import Application, Challenge, Organisation, Pilot
from app.services.errors import NotFound
from app.services.marketplace.challenges import publicly_listed
from app.services.procurement.applications import criteria_of
from app.services.procurement.pilot_records import OUTCOMES
from app.services.transparency import ocds_clarifications, ocds_joint

BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TENDER_STATUS = {"open": "active", "evaluation": "active", "awarded": "complete", "closed": "unsuccessful",
                 "cancelled": "cancelled", "consultation": "planning"}
CONTRACT_STATUS = {"planned": "pending", "running": "active", "completed": "terminated", "evaluated": "terminated",
                   "cancelled": "cancelled"}
BID_STATUS = {"submitted": "pending", "shortlisted": "valid", "rejected": "valid", "awarded": "valid"}


def stamp(value: datetime | date) -> str:
    """OCDS dates are RFC 3339 date-times; plain dates become midnight UTC."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def ocid(prefix: str, challenge: Challenge) -> str:
    return f"{prefix}-challenge-{challenge.id}"


def release_package(session: Session, prefix: str, base_url: str) -> dict:
    """The whole package; personal data (people, e-mails, comments, private proposals) is never included."""
    statement = select(Challenge).where(publicly_listed()).order_by(Challenge.id)
    releases = [release(session, challenge, prefix, base_url) for challenge in session.scalars(statement)]
    if not releases:
        # The schema wants at least one release: an empty package would not validate.
        raise NotFound("Nothing is published yet: an OCDS release package needs at least one public challenge.")
    return {
        "uri": f"{base_url}/open-data/ocds.json", "version": "1.1", "publishedDate": stamp(utcnow()),
        "publisher": {"name": "CiviMatch", "uri": base_url}, "license": LICENSE,
        "publicationPolicy": f"{base_url}/open-data",
        "extensions": [BID_EXTENSION, ocds_clarifications.ENQUIRY_EXTENSION], "releases": releases,
    }


def release(session: Session, challenge: Challenge, prefix: str, base_url: str) -> dict:
    """One release describing the current state of a challenge's contracting process."""
    pilots = list(session.scalars(select(Pilot).where(Pilot.challenge_id == challenge.id, Pilot.is_public.is_(True))
                                  .order_by(Pilot.id)))
    applications = list(session.scalars(select(Application).where(
        Application.challenge_id == challenge.id, Application.status != "withdrawn").order_by(Application.id)))
    public_bids = [a for a in applications if a.proposal_public]
    process = ocid(prefix, challenge)
    changed = max([challenge.updated_at] + [p.status_changed_at for p in pilots])
    data = {
        "ocid": process, "id": f"{process}-{changed.strftime('%Y%m%dT%H%M%SZ')}", "date": stamp(changed),
        "tag": _tags(pilots), "initiationType": "tender", "language": "en",
        "parties": _parties(challenge, pilots, public_bids),
        "buyer": _reference(challenge.organisation),
        "tender": _tender(session, challenge, process, applications, public_bids, base_url),
    }
    if public_bids:
        data["bids"] = {"details": [_bid(process, a) for a in public_bids]}
    if pilots:
        data["awards"] = [_award(process, p) for p in pilots]
        data["contracts"] = [c for p in pilots for c in _contracts(process, p, base_url)]
    return data


def _tags(pilots: list[Pilot]) -> list[str]:
    tags = ["tender"]
    if pilots:
        tags += ["award", "contract"]
    if any(p.status in ("running", "completed", "evaluated") for p in pilots):
        tags.append("implementation")
    return tags


def _org_id(org: Organisation) -> str:
    return f"civimatch-org-{org.id}"


def _reference(org: Organisation) -> dict:
    return {"id": _org_id(org), "name": org.name}


def _parties(challenge: Challenge, pilots: list[Pilot], bids: list[Application]) -> list[dict]:
    roles: dict[int, tuple[Organisation, list[str]]] = {challenge.organisation_id: (
        challenge.organisation, ["buyer", "procuringEntity"])}
    ocds_joint.add_co_buyers(roles, challenge)
    for org, role in [(a.organisation, "tenderer") for a in bids] + [(p.supplier, "supplier") for p in pilots]:
        entry = roles.setdefault(org.id, (org, []))
        if role not in entry[1]:
            entry[1].append(role)
    return [{**_reference(org), "roles": names,
             "address": {"locality": org.city, "countryName": country_name(org.country)}}
            for org, names in roles.values()]


def _tender(session: Session, challenge: Challenge, process: str, applications: list[Application],
            bids: list[Application], base_url: str) -> dict:
    tender = {
        "id": f"{process}-tender", "title": challenge.title,
        "description": f"{challenge.summary}\n\n{challenge.problem_statement}",
        "status": TENDER_STATUS[challenge.status], "procurementMethod": "open",
        "procurementMethodDetails": "Innovation challenge on CiviMatch leading to a pilot purchase",
        "mainProcurementCategory": "services", "procuringEntity": _reference(challenge.organisation),
        "items": [{"id": "1", "description": challenge.title,
                   "classification": {"scheme": "CIVIMATCH-SECTOR", "id": challenge.sector,
                                      "description": SECTORS.get(challenge.sector, challenge.sector)}}],
        "tenderPeriod": {"endDate": stamp(challenge.deadline)},
        "numberOfTenderers": len(applications),
        "tenderers": [_reference(a.organisation) for a in {a.organisation_id: a for a in bids}.values()],
        "documents": [{"id": "challenge-page", "documentType": "tenderNotice", "title": "Challenge statement",
                       "url": f"{base_url}/challenges/{challenge.id}", "language": "en"}],
    }
    if challenge.published_at is not None:
        tender["tenderPeriod"]["startDate"] = stamp(challenge.published_at)
    if challenge.budget_max is not None:
        tender["value"] = {"amount": challenge.budget_max, "currency": challenge.currency}
    if challenge.budget_min is not None:
        tender["minValue"] = {"amount": challenge.budget_min, "currency": challenge.currency}
    criteria = criteria_of(session, challenge.id)
    if criteria:
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = "; ".join(f"{c.name} (weight {c.weight})" for c in criteria)
    ocds_clarifications.add_to_tender(session, tender, challenge, process, stamp)
    return tender


def _bid(process: str, application: Application) -> dict:
    bid = {"id": f"{process}-bid-{application.id}", "date": stamp(application.created_at),
           "status": BID_STATUS.get(application.status, "pending"),
           "tenderers": [_reference(application.organisation)]}
    if application.price_amount is not None:
        bid["value"] = {"amount": application.price_amount, "currency": application.price_currency}
    return bid


def _award(process: str, pilot: Pilot) -> dict:
    return {
        "id": f"{process}-award-{pilot.id}", "title": pilot.title, "description": pilot.description or pilot.title,
        "status": "cancelled" if pilot.status == "cancelled" else "active", "date": stamp(pilot.awarded_at),
        "value": {"amount": pilot.contract_value, "currency": pilot.currency},
        "suppliers": [_reference(pilot.supplier)],
        "contractPeriod": {"startDate": stamp(pilot.start_date), "endDate": stamp(pilot.end_date)},
    }


def _contracts(process: str, pilot: Pilot, base_url: str) -> list[dict]:
    award_id = f"{process}-award-{pilot.id}"
    contract = {
        "id": f"{process}-contract-{pilot.id}", "awardID": award_id, "title": f"Pilot: {pilot.title}",
        "description": f"Pilot at {pilot.site}. {pilot.description}".strip(),
        "status": CONTRACT_STATUS[pilot.status], "dateSigned": stamp(pilot.awarded_at),
        "period": {"startDate": stamp(pilot.start_date), "endDate": stamp(pilot.end_date)},
        "value": {"amount": pilot.contract_value, "currency": pilot.currency},
        "implementation": _implementation(process, pilot, base_url),
    }
    contracts = [contract]
    if pilot.follow_on_purchase and pilot.follow_on_value:
        contracts.append({
            "id": f"{process}-contract-{pilot.id}-follow-on", "awardID": award_id,
            "title": f"Follow-on purchase: {pilot.solution.title}",
            "description": "Purchase made after the pilot was evaluated.", "status": "active",
            "dateSigned": stamp(pilot.evaluated_at or pilot.status_changed_at),
            "value": {"amount": pilot.follow_on_value, "currency": pilot.currency},
        })
    return contracts


def _implementation(process: str, pilot: Pilot, base_url: str) -> dict:
    payer, payee = _reference(pilot.buyer), _reference(pilot.supplier)
    transactions = [{"id": f"{process}-spend-{s.id}", "source": f"{base_url}/pilots/{pilot.id}",
                     "date": stamp(s.spent_on), "value": {"amount": s.amount, "currency": pilot.currency},
                     "payer": payer, "payee": payee}
                    for s in pilot.spend]
    milestones = [_milestone(process, m) for m in pilot.milestones]
    milestones += [_measurement(process, kpi, m) for kpi in pilot.kpis for m in kpi.measurements]
    implementation = {"transactions": transactions, "milestones": milestones}
    if pilot.outcome:
        implementation["documents"] = [{
            "id": f"{process}-evaluation-{pilot.id}", "documentType": "physicalProgressReport",
            "title": f"Pilot evaluation: {OUTCOMES[pilot.outcome]}, rated {pilot.rating}/5",
            "description": pilot.lessons_learned, "url": f"{base_url}/pilots/{pilot.id}",
            "datePublished": stamp(pilot.evaluated_at or pilot.status_changed_at), "language": "en"}]
    return implementation


def _milestone(process: str, milestone) -> dict:
    data = {"id": f"{process}-milestone-{milestone.id}", "title": milestone.title, "type": "delivery",
            "dueDate": stamp(milestone.due_date), "status": "met" if milestone.completed_on else "scheduled"}
    if milestone.completed_on:
        data["dateMet"] = stamp(milestone.completed_on)
    return data


def _measurement(process: str, kpi, measurement) -> dict:
    """KPI measurements are reported as met 'reporting' milestones (core OCDS has no KPI object)."""
    text = f"{kpi.name}: {measurement.value:g} {kpi.unit} (baseline {kpi.baseline:g}, target {kpi.target:g})"
    return {"id": f"{process}-kpi-{kpi.id}-measurement-{measurement.id}", "title": f"KPI measurement: {kpi.name}",
            "type": "reporting", "code": f"kpi-{kpi.id}", "description": text,
            "dueDate": stamp(measurement.measured_on), "dateMet": stamp(measurement.measured_on), "status": "met"}
