"""Maneuver detection on a synthetic history with a known burn (real histories: tests/integration)."""

import math

import pytest
from groundlink_orbit import parse_tle
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

from shared.domain.jobs.analysis.maneuvers import MU_KM3_S2, detect, semi_major_axis_km


def _set(k: int, n_rev_day: float, inc_deg: float = 98.7):
    sat = Satrec()
    epoch_1950 = 27484.0 + k * 0.5  # days since 1949-12-31: from 2025-04-01, sets every 12 h
    sat.sgp4init(WGS72, "i", 43013, epoch_1950, 3.8e-5, 0.0, 0.0, 0.0002, math.radians(85.0), math.radians(inc_deg),
                 math.radians((275.0 + k * 37.0) % 360), n_rev_day * 2 * math.pi / 1440.0,
                 math.radians((47.0 - k * 0.49) % 360))
    line1, line2 = export_tle(sat)
    return parse_tle(line1, line2)


def _history(burn_at: int | None, da_km: float = 1.0, di_deg: float = 0.0):
    sets = []
    a0 = float(semi_major_axis_km(14.195))
    for k in range(24):
        a = a0 - 0.02 * k  # steady drag decay: 20 m per 12 h
        inc = 98.7
        if burn_at is not None and k >= burn_at:
            a += da_km
            inc += di_deg
        n = math.sqrt(MU_KM3_S2 / a**3) * 86400 / (2 * math.pi)
        sets.append(_set(k, n, inc))
    return sets


def test_one_in_plane_burn_is_found_with_its_delta_v():
    found, series = detect(_history(burn_at=12, da_km=1.0), method="ml")
    assert len(found) == 1
    m = found[0]
    assert m.maneuver_type == "sma"
    assert m.before.epoch_unix_s < m.after.epoch_unix_s and m.after.epoch_unix_s - m.before.epoch_unix_s == 43200
    a = float(semi_major_axis_km(m.after.mean_motion_rev_per_day))
    expected = math.sqrt(MU_KM3_S2 / a) * 1.0 / (2 * a) * 1000  # v·Δa/2a for Δa = 1 km
    assert m.delta_v_mps == pytest.approx(expected, rel=0.02)  # ≈ 0.53 m/s
    assert 0.5 < m.probability < 1 and m.position_error_m > 0
    assert len(series["epochs"]) == 24 and len(series["semi_major_axis_km"]) == 24


def test_drag_alone_is_not_a_maneuver():
    assert detect(_history(burn_at=None), method="ml")[0] == []


def test_plane_change_and_thresholds():
    found, _ = detect(_history(burn_at=8, da_km=0.0, di_deg=0.05), method="inc")
    assert [m.maneuver_type for m in found] == ["inc"]
    assert found[0].delta_v_mps == pytest.approx(2 * 7.45e3 * math.sin(math.radians(0.05) / 2), rel=0.02)
    assert detect(_history(burn_at=8, da_km=0.0, di_deg=0.001), method="inc")[0] == []  # below fit scatter
    assert detect(_history(burn_at=8, da_km=1.0), method="ml", maxdv_mps=0.1)[0] == []  # above maxdv
    assert detect(_history(burn_at=8, da_km=1.0), method="ml", mindv_mps=5.0)[0] == []  # below mindv


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        detect(_history(None), method="magic")


HISTORY = "tests/fixtures/tle/history"


def _real(name):
    from pathlib import Path

    from groundlink_orbit import parse_tle_text

    report = parse_tle_text((Path(__file__).resolve().parents[2] / HISTORY / name).read_text())
    assert report.errors == []
    return report.element_sets


def test_real_iss_reboosts_of_2023_are_found():
    """ISS reboosts published by Roscosmos: 2023-01-18 (0.95 m/s, +1.6 km) and 2023-02-03 (+2.4 km)."""
    found, _ = detect(_real("25544_iss.tle"), method="ml")
    assert [(m.after.epoch_utc.strftime("%Y-%m-%d"), m.maneuver_type) for m in found] == [
        ("2023-01-18", "sma"), ("2023-02-03", "sma")]
    assert found[0].delta_v_mps == pytest.approx(0.95, abs=0.1)
    assert found[1].delta_v_mps == pytest.approx(1.3, abs=0.15)
    assert all(m.probability > 0.99 for m in found)


def test_real_sentinel_6a_orbit_raising_is_found_and_the_quiet_months_are_quiet():
    """Fixture README: jumps of 4.41, 5.16, 0.49 and 0.47 m/s, then two quiet months."""
    sets = _real("46984_sentinel-6a.tle")
    found, _ = detect(sets, method="sma")
    got = [(m.after.epoch_utc.strftime("%m-%d"), round(m.delta_v_mps, 2)) for m in found]
    assert got == [("12-13", 4.41), ("12-14", 5.16), ("12-17", 0.48), ("12-18", 0.47)]
    quiet = [s for s in sets if s.epoch_utc.strftime("%Y-%m-%d") >= "2020-12-20"]
    assert detect(quiet, method="ml")[0] == []
