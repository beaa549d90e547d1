"""The calibrated strength read from the vendored table (app/matching/calibration.json)."""

import json

import pytest

from app.matching.strength import BANDS, CALIBRATION, DEFAULT_MIN_BAND, band_min_score, load, strength


def test_the_vendored_table_is_monotone_and_names_every_band():
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    scores = [p[0] for p in data["points"]]
    probs = [p[1] for p in data["points"]]
    assert scores == sorted(scores) and probs == sorted(probs)
    assert 0.0 <= probs[0] and probs[-1] < 1.0  # never promises certainty
    assert [b["name"] for b in data["bands"]] == list(BANDS)


def test_strength_rises_with_score_and_bands_follow_probability():
    seen = [strength(s / 1000) for s in range(0, 1001)]
    probabilities = [s.probability for s in seen]
    assert probabilities == sorted(probabilities)
    assert {s.band for s in seen} == set(BANDS)
    assert strength(0.0).band == "weak" and strength(1.0).band == "strong"
    assert strength(1.0).label == "Strong match" and 0 < strength(1.0).percent < 100


@pytest.mark.parametrize("band", BANDS)
def test_a_bands_min_score_is_exactly_where_it_starts(band):
    threshold = band_min_score(band)
    order = BANDS.index(band)
    assert BANDS.index(strength(threshold).band) <= order
    if band != "weak":
        assert BANDS.index(strength(threshold - 1e-6).band) > order


def test_default_minimum_is_a_named_band():
    assert DEFAULT_MIN_BAND in BANDS


def test_a_table_of_ones_own(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"points": [[0.0, 0.0], [0.2, 0.2], [0.4, 0.6]], "bands": [
        {"name": "strong", "min_probability": 0.5, "min_score": 0.4},
        {"name": "good", "min_probability": 0.3, "min_score": None},
        {"name": "possible", "min_probability": 0.1, "min_score": 0.2},
        {"name": "weak", "min_probability": 0.0, "min_score": 0.0}]}))
    table = load(path)
    assert strength(0.3, table).probability == 0.2 and strength(0.3, table).band == "possible"
    assert strength(0.5, table).band == "strong"
    assert table.min_score("weak") == 0.0
    with pytest.raises(ValueError):
        table.min_score("great")
