"""Figures for the public statistics page; every figure counts public records only.

One query layer: the challenges are those anyone may list (`publicly_listed`: public status, not
hidden) and the pilots are the register's (`public_pilots`), so the headline, the funnel and the
register count the same rows. A cancelled pilot is still a pilot the register lists, so it counts.
"""
from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.code_lists import SECTORS
from app.models import Application, Challenge, Pilot
from app.services.marketplace.challenges import publicly_listed
from app.services.procurement.pilot_records import OUTCOMES
from app.services.transparency.pilot_register_queries import public_pilots


@dataclass
class Series:
    """One chart: labels on one axis, one or more named data sets of the same length."""

    title: str
    labels: list[str]
    datasets: dict[str, list[float]]
    kind: str = "bar"
    unit: str = ""
    axis: str = ""  # what the labels are, for the table's first column
    stacked: bool = False

    def as_json(self) -> dict:
        return {"title": self.title, "kind": self.kind, "unit": self.unit, "stacked": self.stacked,
                "labels": self.labels,
                "datasets": [{"label": name, "data": values} for name, values in self.datasets.items()]}


@dataclass
class Totals:
    """The headline counts; the funnel chart shows the same four numbers."""

    challenges: int = 0
    applications: int = 0
    pilots: int = 0
    adopted: int = 0


@dataclass
class Statistics:
    totals: Totals = field(default_factory=Totals)
    charts: dict[str, Series] = field(default_factory=dict)
    spend: list[tuple[str, str, float]] = field(default_factory=list)  # (sector, currency, amount), every currency
    median_days_to_award: float | None = None

    @property
    def pilots_counted(self) -> int:
        return self.totals.pilots


def platform_statistics(session: Session) -> Statistics:
    """The funnel, pilots and spend by sector, outcomes by award year, median days to award."""
    pilots = list(session.scalars(public_pilots()))
    result = Statistics(totals=totals(session, pilots))
    result.charts["funnel"] = funnel(result.totals)
    result.charts["sectors"] = by_sector(session, pilots)
    # Spend per currency: amounts in different currencies cannot share an axis (no exchange rates offline).
    # A currency spent in one sector only would make a one-bar chart: it stays in the spend table.
    for currency, series in spend_per_sector(pilots).items():
        if len(series.labels) > 1:
            result.charts[f"spend_sector_{currency}"] = series
        amounts = zip(series.labels, series.datasets[currency], strict=True)
        result.spend += [(label, currency, value) for label, value in amounts]
    result.charts["outcomes"] = outcomes_by_year(pilots)
    result.median_days_to_award = median_days_to_award(pilots)
    return result


def totals(session: Session, pilots: list[Pilot]) -> Totals:
    challenges = session.scalar(select(func.count()).select_from(Challenge).where(publicly_listed())) or 0
    applications = session.scalar(select(func.count()).select_from(Application).join(
        Challenge, Challenge.id == Application.challenge_id).where(
        publicly_listed(), Application.status != "withdrawn")) or 0
    adopted = sum(1 for p in pilots if p.outcome == "adopted")
    return Totals(challenges, applications, len(pilots), adopted)


def funnel(figures: Totals) -> Series:
    return Series("From challenge to purchase", ["Challenges", "Applications", "Pilots", "Adopted"],
                  {"Count": [figures.challenges, figures.applications, figures.pilots, figures.adopted]},
                  axis="Stage")


def by_sector(session: Session, pilots: list[Pilot]) -> Series:
    """Challenges, pilots and adoptions side by side per sector: where piloting leads to buying."""
    challenges = dict(session.execute(select(Challenge.sector, func.count()).where(
        publicly_listed()).group_by(Challenge.sector)).all())
    piloted = Counter(p.challenge.sector for p in pilots)
    adopted = Counter(p.challenge.sector for p in pilots if p.outcome == "adopted")
    codes = [code for code in SECTORS if challenges.get(code) or piloted.get(code)]
    return Series("Challenges, pilots and adoptions by sector", [SECTORS[c] for c in codes],
                  {"Challenges": [challenges.get(c, 0) for c in codes], "Pilots": [piloted[c] for c in codes],
                   "Adopted": [adopted[c] for c in codes]}, kind="hbar", axis="Sector")


def spend_per_sector(pilots: list[Pilot]) -> dict[str, Series]:
    """Recorded pilot spend per sector, one chart per currency."""
    totals_: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for pilot in pilots:
        totals_[pilot.currency][pilot.challenge.sector] += pilot.total_spend
    charts = {}
    for currency in sorted(totals_):
        codes = [code for code in SECTORS if totals_[currency].get(code)]
        if codes:
            charts[currency] = Series(f"Pilot spend by sector ({currency})", [SECTORS[c] for c in codes],
                                      {currency: [totals_[currency][c] for c in codes]},
                                      kind="hbar", unit=currency, axis="Sector")
    return charts


def outcomes_by_year(pilots: list[Pilot]) -> Series:
    """Pilots per award year, split by what came of them (still running, adopted, extended, not adopted)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for pilot in pilots:
        counts[str(pilot.awarded_at.year)][pilot.outcome or _open_state(pilot)] += 1
    years = sorted(counts)
    names = {**OUTCOMES, "running": "No outcome yet", "cancelled": "Cancelled"}
    datasets = {label: [counts[y][key] for y in years] for key, label in names.items()
                if any(counts[y][key] for y in years)}
    return Series("Pilot outcomes by year of award", years, datasets, axis="Year", stacked=True)


def _open_state(pilot: Pilot) -> str:
    return "cancelled" if pilot.status == "cancelled" else "running"


def median_days_to_award(pilots: list[Pilot]) -> float | None:
    """Median days from a challenge's publication to the award of its pilots."""
    days = [(p.awarded_at - p.challenge.published_at).total_seconds() / 86400 for p in pilots
            if p.challenge.published_at is not None]
    return round(stats.median(days), 1) if days else None
