"""The per-request work budget of a pass analysis (satellites × ground points × minutes of window)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import InvalidField
from shared.domain.jobs.budget import WORK_BUDGET, check_work_budget, work_units

T0 = datetime(2026, 4, 10, tzinfo=UTC)


def test_work_counts_one_step_a_minute_and_the_last_partial_minute() -> None:
    assert work_units(2, 3, T0, T0 + timedelta(hours=1)) == 2 * 3 * 60
    assert work_units(1, 1, T0, T0 + timedelta(seconds=61)) == 2
    assert work_units(1, 1, T0, T0 + timedelta(seconds=1)) == 1


def test_the_budget_admits_a_hundred_satellites_over_one_point_for_seven_days() -> None:
    assert check_work_budget(100, 1, T0, T0 + timedelta(days=7)) == 100 * 10080
    assert check_work_budget(24, 400, T0, T0 + timedelta(days=7)) <= WORK_BUDGET


def test_over_the_budget_is_an_invalid_field_naming_the_budget() -> None:
    with pytest.raises(InvalidField) as caught:
        check_work_budget(100, 364, T0, T0 + timedelta(days=7))
    err = caught.value
    assert err.field == "norad_ids" and err.code == "WORK-BUDGET-EXCEEDED"
    assert "100 satellite(s) × 364 ground point(s) × 10080 time step(s)" in err.reason
    assert "366,912,000" in err.reason and f"work budget of {WORK_BUDGET:,} per request" in err.reason
