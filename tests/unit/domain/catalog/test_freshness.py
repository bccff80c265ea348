"""The element-set freshness policy: age against a given clock, the warning threshold, the booking limit, the
demo relaxation, and the settings that configure it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.catalog.freshness import STRICT, FreshnessPolicy
from shared.domain.errors import InvalidField
from shared.settings import Settings

EPOCH = datetime(2026, 4, 17, 4, 7, 57, 730_000, tzinfo=UTC)
DRIFT = "SGP4 predictions drift by roughly 1-3 km a day along-track in low Earth orbit; import a current element set"


@pytest.fixture(autouse=True)
def _deployment_environment(monkeypatch):
    """No relaxation from the environment (the integration tests' demo setting may be loaded)."""
    for name in ("GROUNDLINK_TLE_WARN_AGE_DAYS", "GROUNDLINK_TLE_MAX_AGE_DAYS", "GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS"):
        monkeypatch.delenv(name, raising=False)


def test_the_strict_defaults_warn_past_3_days_and_refuse_past_14():
    assert (STRICT.warn_age_days, STRICT.max_age_days, STRICT.demo) == (3.0, 14.0, False)
    assert Settings().freshness_policy() == STRICT


def test_a_fresh_set_has_its_age_and_no_warning():
    fresh = STRICT.of(EPOCH, EPOCH + timedelta(hours=36))
    assert (fresh.epoch, fresh.age_days, fresh.stale, fresh.expired, fresh.warning) == (EPOCH, 1.5, False, False, None)
    assert (fresh.epoch_iso, fresh.age_days_rounded) == ("2026-04-17T04:07:57.730Z", 1.5)


def test_exactly_at_a_threshold_is_not_past_it():
    assert STRICT.of(EPOCH, EPOCH + timedelta(days=3)).warning is None
    assert not STRICT.of(EPOCH, EPOCH + timedelta(days=14)).expired


def test_an_old_set_warns_and_names_its_epoch_and_age():
    old = STRICT.of(EPOCH, EPOCH + timedelta(days=5, hours=6))
    assert (old.stale, old.expired, old.age_days) == (True, False, 5.25)
    assert old.warning == (f"the element set's epoch 2026-04-17T04:07:57.730Z is 5.2 days old (more than 3 days): "
                           f"{DRIFT}")


def test_a_set_past_the_limit_says_bookings_are_refused():
    old = STRICT.of(EPOCH, EPOCH + timedelta(days=20))
    assert old.expired and old.warning == (f"the element set's epoch 2026-04-17T04:07:57.730Z is 20.0 days old (more "
                                           f"than 3 days): {DRIFT}; bookings are refused beyond 14 days")


def test_a_set_from_the_future_has_a_negative_age_and_no_warning():
    ahead = STRICT.of(EPOCH, EPOCH - timedelta(hours=12))
    assert (ahead.age_days, ahead.warning, ahead.expired) == (-0.5, None, False)


def test_a_booking_on_a_set_past_the_limit_is_refused_naming_the_field_the_epoch_and_the_limit():
    with pytest.raises(InvalidField) as refused:
        STRICT.require_bookable(EPOCH, EPOCH + timedelta(days=15), field="norad_cat_id", subject="satellite 43013")
    assert refused.value.field == "norad_cat_id"
    assert refused.value.message == ("norad_cat_id: the current element set of satellite 43013 has epoch "
                                     "2026-04-17T04:07:57.730Z, 15.0 days old: older than the 14-day limit for "
                                     "bookings; import a current element set first")
    ok = STRICT.require_bookable(EPOCH, EPOCH + timedelta(days=13), field="norad_cat_id", subject="satellite 43013")
    assert ok.stale and not ok.expired


def test_the_demo_relaxation_replaces_the_limit_and_every_warning_says_so():
    demo = FreshnessPolicy.configured(3, 14, demo_max_age_days=3650)
    assert (demo.warn_age_days, demo.max_age_days, demo.demo) == (3, 3650, True)
    old = demo.require_bookable(EPOCH, EPOCH + timedelta(days=229), field="spacecraft_id", subject="x")
    assert old.warning == (f"the element set's epoch 2026-04-17T04:07:57.730Z is 229.0 days old (more than 3 days): "
                           f"{DRIFT}; the booking limit is relaxed to 3650 days for the demo catalogue")
    assert FreshnessPolicy.configured(3, 14) == STRICT


def test_the_settings_read_the_thresholds_from_the_environment(monkeypatch):
    monkeypatch.setenv("GROUNDLINK_TLE_WARN_AGE_DAYS", "1.5")
    monkeypatch.setenv("GROUNDLINK_TLE_MAX_AGE_DAYS", "7")
    assert Settings().freshness_policy() == FreshnessPolicy(1.5, 7.0)
    monkeypatch.setenv("GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS", "3650")
    assert Settings().freshness_policy() == FreshnessPolicy(1.5, 3650.0, demo=True)
    monkeypatch.setenv("GROUNDLINK_TLE_MAX_AGE_DAYS", "0")
    with pytest.raises(ValueError, match="tle_max_age_days"):
        Settings()
