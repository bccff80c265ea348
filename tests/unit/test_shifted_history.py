"""The test helper that moves a real element-set history in time (tests/support/shifted_history.py): the sets stay
the real ones — same orbits, same spacing, same burns — only their epochs move, by whole days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from groundlink_orbit import parse_tle_text

from shared.domain.jobs.analysis.maneuvers import detect
from tests.support.shifted_history import ISS_2023_02, recent_iss_history, shift_history, shift_line1, tle_checksum

ISS_LINE1 = "1 25544U 98067A   23036.22173786  .00010856  00000-0  20054-3 0  9994"


def test_a_line_moves_by_whole_days_keeping_its_time_of_day_and_a_valid_checksum():
    moved = shift_line1(ISS_LINE1, 1400)  # 2023-02-05 + 1400 days = 2026-12-06 (day 340)
    assert moved == "1 25544U 98067A   26340.22173786  .00010856  00000-0  20054-3 0  999" + moved[-1]
    assert moved[-1] == tle_checksum(moved) and tle_checksum(ISS_LINE1) == "4"
    assert shift_line1(ISS_LINE1, 0) == ISS_LINE1
    assert shift_line1(ISS_LINE1, -36)[18:32] == "22365.22173786"  # back to 2022-12-31


def test_a_shift_across_new_year_and_a_leap_day():
    # 2023 day 365 (Dec 31) + 1 day = 2024 day 001; 2024 day 059 (Feb 28) + 1 = day 060 (Feb 29)
    dec31 = ISS_LINE1[:18] + "23365.50000000" + ISS_LINE1[32:68]
    dec31 += tle_checksum(dec31)
    assert shift_line1(dec31, 1)[18:32] == "24001.50000000"
    assert shift_line1(dec31, 60)[18:32] == "24060.50000000"  # 2024-02-29
    with pytest.raises(ValueError, match="two-digit years"):
        shift_line1(dec31, 40 * 366)


def test_the_iss_history_is_moved_whole_into_the_last_30_days_and_parses_cleanly():
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    moved = recent_iss_history(now)
    original = parse_tle_text(ISS_2023_02.read_text())
    report = parse_tle_text(moved.text)
    assert report.errors == [] and len(report.element_sets) == len(original.element_sets) == 139
    assert moved.last_epoch.date() == date(2026, 12, 1) and moved.first_epoch > now - timedelta(days=30)
    for a, b in zip(original.element_sets, report.element_sets, strict=True):
        assert b.epoch_utc - a.epoch_utc == timedelta(days=moved.days)
        assert b.line2 == a.line2 and b.line1[:18] == a.line1[:18] and b.line1[32:68] == a.line1[32:68]


def test_the_real_reboost_is_found_at_its_own_time_plus_the_shift():
    """Interfax: 2023-02-20, 1.8 m/s. The shifted history shows the same burn, as large, moved by the shift."""
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    moved = recent_iss_history(now)
    before, _ = detect(parse_tle_text(ISS_2023_02.read_text()).element_sets, method="sma")
    after, series = detect(parse_tle_text(moved.text).element_sets, method="sma")
    assert len(after) == len(before) >= 1 and series["insufficient_history"] is False
    for a, b in zip(before, after, strict=True):
        assert b.time_unix - a.time_unix == pytest.approx(moved.days * 86400, abs=1e-3)
        assert b.delta_v_mps == pytest.approx(a.delta_v_mps, rel=1e-9)
    reboost = max(after, key=lambda m: m.delta_v_mps)
    assert reboost.delta_v_mps == pytest.approx(1.8, rel=0.2)
    burn = datetime.fromtimestamp(reboost.time_unix, UTC)
    assert moved.moved(datetime(2023, 2, 19, tzinfo=UTC)) <= burn < moved.moved(datetime(2023, 2, 21, tzinfo=UTC))


def test_anything_but_pairs_of_valid_tle_lines_is_refused():
    with pytest.raises(ValueError, match="pairs"):
        shift_history(ISS_LINE1 + "\n", last_day=date(2026, 12, 1))
    with pytest.raises(ValueError, match="not a valid"):
        shift_history(ISS_LINE1[:-1] + "0\n" + "2" + ISS_LINE1[1:] + "\n", last_day=date(2026, 12, 1))
