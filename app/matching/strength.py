"""A match's strength as a person reads it: the calibrated probability that the pair is relevant,
and a named band (strong / good / possible / weak).

The raw score is a blended cosine: 0.14 can be the right match, so it is never shown as "14% match".
``calibration.json`` is written by ``bench/calibration.py`` (isotonic regression from score to
relevance on labelled pairs); this module only reads it, so pages, the API and e-mails agree.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CALIBRATION = Path(__file__).with_name("calibration.json")
BANDS = ("strong", "good", "possible", "weak")
# The band lists and digests use unless the reader asks for another: below it is noise, not a fit.
DEFAULT_MIN_BAND = "possible"
_LABELS = {"strong": "Strong match", "good": "Good match", "possible": "Possible match", "weak": "Weak match"}


@dataclass(frozen=True)
class Strength:
    probability: float  # calibrated P(relevant), in [0, 1]
    band: str  # strong | good | possible | weak
    label: str  # "Strong match"

    @property
    def percent(self) -> int:
        return int(round(self.probability * 100))


@dataclass(frozen=True)
class Calibration:
    scores: tuple[float, ...]
    probabilities: tuple[float, ...]
    bands: tuple[tuple[str, float, float], ...]  # (name, min probability, min score), strongest first

    def probability(self, score: float) -> float:
        """The step function of the table: the probability of the last point at or below ``score``
        (a step, not an interpolation, so a band's ``min_score`` is exactly where it starts)."""
        i = bisect_right(self.scores, score)
        return self.probabilities[max(0, i - 1)]

    def min_score(self, band: str) -> float:
        """The lowest raw score in ``band`` or above (0 for the weakest band)."""
        for name, _, score in self.bands:
            if name == band:
                return score if band != self.bands[-1][0] else 0.0
        raise ValueError(f"unknown band {band!r}")


def load(path: Path = CALIBRATION) -> Calibration:
    data = json.loads(path.read_text(encoding="utf-8"))
    points = data["points"]
    bands = tuple((b["name"], float(b["min_probability"]), float(b["min_score"] if b["min_score"] is not None else 1.0))
                  for b in data["bands"])
    return Calibration(tuple(float(p[0]) for p in points), tuple(float(p[1]) for p in points), bands)


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    return load()


def strength(score: float, table: Calibration | None = None) -> Strength:
    """The strength of a pair with this raw engine score."""
    table = table or calibration()
    p = round(min(1.0, max(0.0, table.probability(float(score)))), 3)
    band = next((name for name, start, _ in table.bands if p >= start), table.bands[-1][0])
    return Strength(p, band, _LABELS.get(band, band.title()))


def band_min_score(band: str) -> float:
    """Raw score threshold of a band, for filtering stored matches in SQL."""
    return calibration().min_score(band)
