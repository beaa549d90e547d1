"""A match's calibrated strength for the pages, the API and e-mails (one place, so they agree), and
the default minimum strength of lists and digests. The calibration itself is app/matching/strength.py."""
from __future__ import annotations

from app.matching.strength import BANDS, DEFAULT_MIN_BAND, Strength, band_min_score, strength

__all__ = ["BANDS", "DEFAULT_MIN_BAND", "Strength", "band_min_score", "default_min_score", "min_score_for",
           "strength_of"]


def strength_of(score: float | None) -> Strength | None:
    return None if score is None else strength(score)


def default_min_score() -> float:
    """The raw score where the default band starts: nothing below it is listed or e-mailed as a fit."""
    return band_min_score(DEFAULT_MIN_BAND)


def min_score_for(band: str | None) -> float:
    """Raw score threshold of a named band; an unknown or missing band means the default one."""
    return band_min_score(band if band in BANDS else DEFAULT_MIN_BAND)
