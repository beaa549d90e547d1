"""Digest preferences: validation, defaults, schedule maths in the user's time zone, unsubscribe tokens."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.mail.digest_email import unsubscribe_token
from app.services.digests import preferences as prefs
from app.services.digests.schedule import is_due, period_key
from app.services.errors import ValidationFailed
from tests.conftest import TEST_SECRET


@pytest.mark.parametrize(("field", "value"), [
    ("time_zone", "Mars/Olympus_Mons"), ("time_zone", "../../etc/passwd"), ("time_zone", ""),
    ("hour", 24), ("weekday", 7), ("min_score", 1.5), ("min_score", float("nan")), ("min_score", None),
    ("frequency", "hourly"), ("sectors", ["space"]),
])
def test_bad_preferences_are_refused_with_a_field_error(db, make, field, value):
    user = make.innovator()
    data = prefs.PreferenceData(**{field: value})
    with pytest.raises(ValidationFailed) as caught:
        prefs.save_preferences(db, user.id, data)
    assert field in caught.value.errors
    assert prefs.preferences_for(db, user.id) == prefs.PreferenceData()  # nothing stored


def test_preferences_default_to_weekly_and_save(db, make):
    user = make.innovator()
    assert prefs.preferences_for(db, user.id).frequency == "weekly"
    prefs.save_preferences(db, user.id, prefs.PreferenceData(frequency="daily", hour=7, time_zone=" Europe/Madrid ",
                                                             min_score=0.4, sectors=["water", "water"]))
    saved = prefs.preferences_for(db, user.id)
    assert (saved.frequency, saved.hour, saved.time_zone, saved.sectors) == ("daily", 7, "Europe/Madrid", ["water"])


def test_period_keys_follow_the_users_time_zone():
    late_sunday_utc = datetime(2030, 1, 6, 23, 30, tzinfo=UTC)  # already Monday in Helsinki
    assert period_key("daily", late_sunday_utc, "UTC") == "D2030-01-06"
    assert period_key("daily", late_sunday_utc, "Europe/Helsinki") == "D2030-01-07"
    assert period_key("weekly", late_sunday_utc, "UTC") == "W2030-01"
    assert period_key("weekly", late_sunday_utc, "Europe/Helsinki") == "W2030-02"


def test_due_from_the_chosen_local_hour_and_caught_up_later():
    monday = datetime(2030, 1, 7, 6, 30, tzinfo=UTC)
    assert is_due("weekly", 0, 8, "Europe/Helsinki", monday)  # 08:30 local
    assert not is_due("weekly", 0, 8, "UTC", monday)  # 06:30 local
    assert is_due("weekly", 0, 8, "UTC", datetime(2030, 1, 9, 3, 0, tzinfo=UTC))  # missed Monday: Wednesday catches up
    assert not is_due("weekly", 4, 8, "UTC", datetime(2030, 1, 9, 3, 0, tzinfo=UTC))  # Friday not yet
    assert not is_due("off", 0, 0, "UTC", monday)


def test_unsubscribe_turns_digests_off_and_bad_tokens_change_nothing(db, make):
    user = make.innovator()
    token = unsubscribe_token(TEST_SECRET, user.id)
    with pytest.raises(prefs.UnsubscribeLinkInvalid):
        prefs.unsubscribe(db, token[:-2] + "xx", secret=TEST_SECRET, max_age_s=3600)
    with pytest.raises(prefs.UnsubscribeLinkInvalid) as expired:
        prefs.unsubscribe(db, token, secret=TEST_SECRET, max_age_s=-1)
    assert "expired" in expired.value.message
    assert prefs.preferences_for(db, user.id).frequency == "weekly"
    prefs.unsubscribe(db, token, secret=TEST_SECRET, max_age_s=3600)
    assert prefs.preferences_for(db, user.id).frequency == "off"
