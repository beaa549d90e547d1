"""Figures for the public statistics page; every figure counts public records only."""
from __future__ import annotations

import statistics as stats
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.code_lists import SECTORS
from app.models import Application, Challenge, Pilot
from app.services.marketplace.challenges import PUBLIC_STATUSES
from app.services.transparency.pilot_register_queries import public_pilots


@dataclass
class Series:
    """One chart: labels on one axis, one or more named data sets of the same length."""

    title: str
    labels: list[str]
    datasets: dict[str, list[float]]
    kind: str = "bar"
    unit: str = ""

    def as_json(self) -> dict:
        return {"title": self.title, "kind": self.kind, "unit": self.unit, "labels": self.labels,
                "datasets": [{"label": name, "data": values} for name, values in self.datasets.items()]}


@dataclass
class Statistics:
    charts: dict[str, Series] = field(default_factory=dict)
    median_days_to_award: float | None = None
    pilots_counted: int = 0


def platform_statistics(session: Session) -> Statistics:
    """Challenges per sector, the funnel, pilot spend per buyer and per year, median days to award."""
    pilots = list(session.scalars(public_pilots()))
    result = Statistics(pilots_counted=len(pilots))
    result.charts["sectors"] = challenges_per_sector(session)
    result.charts["funnel"] = funnel(session, pilots)
    # One chart per currency: amounts in different currencies cannot share an axis (no exchange rates offline).
    for currency, series in spend_per_buyer(pilots).items():
        result.charts[f"spend_buyer_{currency}"] = series
    for currency, series in spend_per_year(pilots).items():
        result.charts[f"spend_year_{currency}"] = series
    result.median_days_to_award = median_days_to_award(pilots)
    return result


def challenges_per_sector(session: Session) -> Series:
    rows = dict(session.execute(select(Challenge.sector, func.count()).where(
        Challenge.status.in_(PUBLIC_STATUSES)).group_by(Challenge.sector)).all())
    codes = [code for code in SECTORS if rows.get(code)]
    return Series("Public challenges per sector", [SECTORS[c] for c in codes],
                  {"Challenges": [rows[c] for c in codes]})


def funnel(session: Session, pilots: list[Pilot]) -> Series:
    public = Challenge.status.in_(PUBLIC_STATUSES)
    challenges = session.scalar(select(func.count()).select_from(Challenge).where(public)) or 0
    applications = session.scalar(select(func.count()).select_from(Application).join(
        Challenge, Challenge.id == Application.challenge_id).where(public, Application.status != "withdrawn")) or 0
    awarded = [p for p in pilots if p.status != "cancelled"]
    adopted = [p for p in awarded if p.outcome == "adopted"]
    return Series("From challenge to purchase", ["Challenges", "Applications", "Pilots", "Adopted"],
                  {"Count": [challenges, applications, len(awarded), len(adopted)]})


def spend_per_buyer(pilots: list[Pilot]) -> dict[str, Series]:
    """Recorded pilot spend per buying organisation, one chart per currency."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for pilot in pilots:
        totals[pilot.currency][pilot.buyer.name] += pilot.total_spend
    return _by_currency("Pilot spend per buyer", totals, horizontal=True)


def spend_per_year(pilots: list[Pilot]) -> dict[str, Series]:
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for pilot in pilots:
        for item in pilot.spend:
            totals[pilot.currency][str(item.spent_on.year)] += item.amount
    return _by_currency("Pilot spend per year", totals)


def _by_currency(title: str, totals: dict[str, dict[str, float]], horizontal: bool = False) -> dict[str, Series]:
    charts = {}
    for currency in sorted(totals):
        labels = sorted(label for label, value in totals[currency].items() if value)
        if labels:
            charts[currency] = Series(f"{title} ({currency})", labels,
                                      {currency: [totals[currency][label] for label in labels]},
                                      kind="hbar" if horizontal else "bar", unit=currency)
    return charts


def median_days_to_award(pilots: list[Pilot]) -> float | None:
    """Median days from a challenge's publication to the award of its pilots."""
    days = [(p.awarded_at - p.challenge.published_at).total_seconds() / 86400 for p in pilots
            if p.challenge.published_at is not None]
    return round(stats.median(days), 1) if days else None
