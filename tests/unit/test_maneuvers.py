"""Maneuver detection on synthetic histories with known burns and on real, documented ones."""

import math
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from groundlink_orbit import parse_tle, parse_tle_text
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

from shared.domain.catalog.models import ElementSetRecord
from shared.domain.errors import NotFound
from shared.domain.jobs.analysis import maneuver_model
from shared.domain.jobs.analysis.maneuvers import MU_KM3_S2, detect, maneuver_report, semi_major_axis_km

T0 = 27484.0  # days since 1949-12-31: 2025-04-01


def _set(k: int, n_rev_day: float, inc_deg: float = 98.7, raan_shift_deg: float = 0.0, step_days: float = 0.5):
    sat = Satrec()
    sat.sgp4init(WGS72, "i", 43013, T0 + k * step_days, 3.8e-5, 0.0, 0.0, 0.0002, math.radians(85.0),
                 math.radians(inc_deg), math.radians((275.0 + k * 37.0) % 360), n_rev_day * 2 * math.pi / 1440.0,
                 math.radians((47.0 + raan_shift_deg + 0.9856 * k * step_days) % 360))
    line1, line2 = export_tle(sat)
    return parse_tle(line1, line2)


def _history(burns=(), count: int = 24, noise: bool = False, seed: int = 1):
    """Sets every 12 h with 20 m of drag decay per set; ``burns``: (set index from which it shows, Δa km,
    Δi deg, ΔRAAN deg)."""
    rng = np.random.default_rng(seed)
    a0 = float(semi_major_axis_km(14.195))
    sets = []
    for k in range(count):
        a, inc, raan = a0 - 0.02 * k, 98.7, 0.0
        for at, da, di, dr in burns:
            if k >= at:
                a, inc, raan = a + da, inc + di, raan + dr
        if noise:
            a, inc, raan = a + rng.normal(0, 0.01), inc + rng.normal(0, 0.0005), raan + rng.normal(0, 0.0005)
        n = math.sqrt(MU_KM3_S2 / a**3) * 86400 / (2 * math.pi)
        sets.append(_set(k, n, inc, raan))
    return sets


def _tangential_dv(a_km: float, da_km: float) -> float:
    return math.sqrt(MU_KM3_S2 / a_km) * da_km / (2 * a_km) * 1000


def test_one_in_plane_burn_is_found_with_its_delta_v_time_and_agreeing_vector():
    found, series = detect(_history([(12, 1.0, 0, 0)]), method="ml")
    assert len(found) == 1
    m = found[0]
    assert m.maneuver_type == "sma"
    assert m.after.epoch_unix_s - m.before.epoch_unix_s == 43200
    assert m.before.epoch_unix_s <= m.time_unix <= m.after.epoch_unix_s  # inside the gap: the burn is there
    a = float(semi_major_axis_km(m.after.mean_motion_rev_per_day))
    expected = _tangential_dv(a, 1.0)  # ≈ 0.53 m/s
    assert m.delta_v_mps == pytest.approx(expected, rel=0.03)
    # the closest approach of the two trajectories: the same Δv, mostly along-track, a small miss distance
    assert m.sgp4_delta_v_mps == pytest.approx(m.delta_v_mps, rel=0.2)
    assert math.dist(m.dv_vector_kmps, (0, 0, 0)) * 1000 == pytest.approx(m.sgp4_delta_v_mps, rel=1e-6)
    assert abs(m.dv_rtn_mps[1]) > abs(m.dv_rtn_mps[2])
    assert m.position_error_m < 2000
    assert 0.5 < m.probability <= 1
    assert len(series["epochs"]) == 24 and series["insufficient_history"] is False


def test_drag_alone_is_not_a_maneuver():
    assert detect(_history(), method="ml")[0] == []
    assert detect(_history(noise=True), method="ml")[0] == []


def test_plane_change_in_inclination_or_in_raan_and_thresholds():
    found, _ = detect(_history([(8, 0.0, 0.05, 0.0)]), method="inc")
    assert [m.maneuver_type for m in found] == ["inc"]
    v = math.sqrt(MU_KM3_S2 / float(semi_major_axis_km(14.195))) * 1000
    assert found[0].delta_v_mps == pytest.approx(v * math.radians(0.05), rel=0.03)
    assert abs(found[0].dv_rtn_mps[2]) > 0.8 * found[0].sgp4_delta_v_mps  # cross-track
    # a burn at the pole turns the node: ΔΩ·sin i is the plane change
    found, _ = detect(_history([(8, 0.0, 0.0, 0.05)]), method="ml")
    assert [m.maneuver_type for m in found] == ["inc"]
    assert found[0].delta_v_mps == pytest.approx(v * math.radians(0.05) * math.sin(math.radians(98.7)), rel=0.05)
    assert detect(_history([(8, 0.0, 0.0005, 0)]), method="inc")[0] == []  # below TLE quantisation and scatter
    assert detect(_history([(8, 1.0, 0, 0)]), method="ml", maxdv_mps=0.1)[0] == []  # above maxdv
    assert detect(_history([(8, 1.0, 0, 0)]), method="ml", mindv_mps=5.0)[0] == []  # below mindv
    assert detect(_history([(8, 1.0, 0, 0)]), method="inc")[0] == []  # inc looks at the plane only
    assert detect(_history([(8, 0.0, 0.05, 0)]), method="sma")[0] == []  # sma at the semi-major axis only


def test_a_bad_set_at_either_edge_or_inside_is_not_a_burn():
    for bad in (0, 11, 23):
        sets = _history(noise=True)
        s = sets[bad]
        n = s.mean_motion_rev_per_day * (1 + 2e-4)  # ≈ 1 km off
        sets[bad] = _set(bad, n, s.inclination_deg + 0.02, raan_shift_deg=0.0)
        found, series = detect(sets, method="ml")
        assert found == [], bad
        assert series["outlier_epochs"] == [s.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ")] or bad in (0, 23)


def _scenario(seed, burns, **kwargs):
    from scripts.maneuvers.scenarios import generate

    return generate(np.random.default_rng(seed), 90001, burns_at=burns, outlier_rate=0.0, **kwargs)


def test_generated_burns_are_timed_and_sized_and_a_trim_burn_after_a_large_one_is_kept_apart():
    for seed in (3, 5, 6):  # 2-3 sets a day (with about one a day the trim burn can share the big one's gap)
        sc = _scenario(seed, [(10.0, "sma", 4.0), (10.8, "sma", 0.4), (20.0, "inc", 2.0)])
        found, _ = detect(sc.sets, method="ml", within=sc.window)
        assert [m.maneuver_type for m in found] == ["sma", "sma", "inc"], seed
        for m, burn in zip(found, sc.burns, strict=True):
            assert m.delta_v_mps == pytest.approx(burn.dv_mps, rel=0.15), seed
            assert m.sgp4_delta_v_mps == pytest.approx(m.delta_v_mps, rel=0.5), seed
            assert m.before.epoch_unix_s - 3600 <= burn.t_unix <= m.after.epoch_unix_s + 3600
        assert abs(found[0].time_unix - sc.burns[0].t_unix) < 2 * 3600  # in-plane: timed by the along-track drift
        assert found[0].position_error_m < 2000 and found[0].probability > 0.9


def test_a_trim_one_or_two_sets_after_a_plane_change_is_its_own_change_point():
    """The plane step, seen by one or two sets before the trim, is too weak on its own gap to be found first;
    the trim's change point then shows both steps, and each is placed where it fits (on seeds 4 and 5 both
    were one burn of both kinds)."""
    from shared.domain.jobs.analysis.maneuvers import candidates

    for seed in (1, 4, 5, 8):
        sc = _scenario(seed, [(10.0, "inc", 1.2), (10.55, "sma", 0.4)], cadence=(2.0, 3.0))
        found = candidates(sc.sets, within=sc.window)
        assert [c.maneuver_type for c in found] == ["inc", "sma"], seed
        for c, burn in zip(found, sc.burns, strict=True):
            assert c.before.epoch_unix_s <= burn.t_unix <= c.after.epoch_unix_s, seed
            assert c.dv_mps == pytest.approx(burn.dv_mps, rel=0.25), seed


def test_too_little_history_is_said_so():
    found, series = detect(_history(count=3), method="ml")
    assert found == [] and series["insufficient_history"] is True


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        detect(_history(), method="magic")


def _records(sets):
    return [ElementSetRecord.model_validate({"norad_id": 43013, "epoch": s.epoch_utc, "line1": s.line1,
                                             "line2": s.line2, "name": None, "uploaded_at": s.epoch_utc})
            for s in sets]


def test_report_names_satellites_with_too_little_or_no_history():
    sets = _history([(12, 1.0, 0, 0)])
    day = sets[0].epoch_utc.date()
    histories = {43013: _records(sets), 43014: _records(sets[:1])}
    report = maneuver_report([43013, 43014], day, date(2025, 4, 12), histories)
    assert [m["norad_id"] for m in report["maneuvers"]] == [43013]
    m = report["maneuvers"][0]
    assert m["maneuver_type"] == "sma" and m["delta_v"] == pytest.approx(0.53, abs=0.03)
    assert m["sgp4_delta_v_mps"] == pytest.approx(m["delta_v"], rel=0.2) and len(m["dv_rtn_mps"]) == 3
    assert m["maneuver_time_utc"] == m["date"] and m["time_series_data"]["epoch_before"] < m["date"]
    assert list(report["insufficient_history"]) == ["43014"]
    assert "1 element set(s) in the window" in report["insufficient_history"]["43014"]
    with pytest.raises(NotFound, match="43015"):
        maneuver_report([43013, 43015], day, date(2025, 4, 12), {43013: _records(sets)})


def test_report_uses_sets_outside_the_window_to_judge_its_edges():
    sets = _history([(12, 1.0, 0, 0)], count=30, noise=True)
    # the burn is between sets 11 (12:00) and 12 (00:00 the next day): a window of those two days holds it
    inside = maneuver_report([43013], sets[11].epoch_utc.date(), sets[12].epoch_utc.date(), {43013: _records(sets)})
    assert inside["total_maneuvers"] == 1 and inside["insufficient_history"] == {}
    before = maneuver_report([43013], sets[2].epoch_utc.date(), sets[8].epoch_utc.date(), {43013: _records(sets)})
    assert before["total_maneuvers"] == 0  # the burn is after the window: not reported, not imagined


def test_the_model_artifact_is_small_and_loads_fast():
    assert maneuver_model.MODEL_PATH.stat().st_size < 4096
    maneuver_model._weights.cache_clear()
    start = time.perf_counter()
    p = maneuver_model.probability([0.0] * len(maneuver_model.FEATURES))
    assert time.perf_counter() - start < 0.05 and 0.0 <= p <= 1.0


def test_the_isotonic_calibration_is_monotone_and_maps_the_score_to_observed_rates():
    from scripts.maneuvers.train_model import isotonic

    score = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    real = np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    knots, values = isotonic(score, real)
    assert np.all(np.diff(knots) >= 0) and np.all(np.diff(values) >= 0)
    # pooled blocks: {0.1}, {0.2, 0.3, 0.4} (1 of 3), {0.6, 0.7} (1 of 2), {0.8, 0.9}; end knots at 0 and 1
    assert knots.tolist() == pytest.approx([0.0, 0.1, 0.3, 0.65, 0.85, 1.0])
    assert values.tolist() == pytest.approx([0.0, 0.0, 1 / 3, 0.5, 1.0, 1.0])
    # the shipped model maps its raw score through such a calibration
    doc = maneuver_model._weights()
    assert np.all(np.diff(doc[4]) >= 0) and np.all(np.diff(doc[5]) >= 0) and doc[4][0] == 0.0 and doc[4][-1] == 1.0


HISTORY = Path(__file__).resolve().parents[2] / "tests/fixtures/tle/history"


def _real(name):
    report = parse_tle_text((HISTORY / name).read_text())
    assert report.errors == []
    return report.element_sets


def _day(m):
    return datetime.fromtimestamp(m.time_unix, UTC).strftime("%Y-%m-%d")


def test_real_iss_reboosts_of_2023_are_found():
    """Roscosmos: 2023-01-18 (0.95 m/s, +1.6 km), 2023-02-03 (+2.4 km ≈ 1.35 m/s), Interfax: 2023-02-20 (1.8 m/s),
    TASS: 2023-04-30 (+1.95 km ≈ 1.10 m/s). Published Δv within 20 %."""
    published = {"25544_iss.tle": [("2023-01-18", "2023-01-19", 0.95), ("2023-02-03", "2023-02-04", 1.35)],
                 "25544_iss_2023-02.tle": [("2023-02-19", "2023-02-20", 1.8)],
                 "25544_iss_2023-04.tle": [("2023-04-29", "2023-04-30", 1.10)]}
    for name, burns in published.items():
        for method in ("ml", "sma"):
            found, _ = detect(_real(name), method=method)
            reboosts = [m for m in found if m.maneuver_type == "sma" and m.delta_v_mps > 0.5]
            assert len(reboosts) == len(burns), (name, method)
            for m, (earliest, latest, dv) in zip(reboosts, burns, strict=True):
                # ml adds the plane shift the fits show (up to 0.7 m/s on 2023-04-30): its along-track part is
                # the reboost
                along = m.delta_v_mps if method == "sma" else m.gve_dv_along_mps
                assert earliest <= _day(m) <= latest and along == pytest.approx(dv, rel=0.2), (name, method)
                # the closest approach's velocity difference is along-track and, the after-orbit being the burn
                # model's (post_burn_orbit), its size follows the semi-major axis step: ml 0.87, 1.28, 1.75 and 1.04
                # m/s along-track against Gauss's 0.90, 1.28, 1.79 and 1.21 (the measured eccentricity steps of
                # 2023-01-18 and 2023-02-03 are 1.3-1.6x what the semi-major axis step implies, and put 1.41 and
                # 1.90 m/s there before)
                # (calibrated on noisier generated histories: 0.88 for 2023-04-30, whose fits scatter in the plane)
                assert abs(m.dv_rtn_mps[1]) >= 0.9 * m.sgp4_delta_v_mps and m.probability > 0.85
                assert abs(m.dv_rtn_mps[1]) == pytest.approx(abs(m.gve_dv_along_mps), rel=0.2), (name, method)
                assert m.sgp4_delta_v_mps == pytest.approx(dv, rel=0.2), (name, method)


def test_real_sentinel_6a_orbit_raising_is_found_and_the_quiet_months_are_quiet():
    """Fixture README: TLE steps of 4.41, 5.16, 0.49 and 0.47 m/s (operator burns 2020-12-11..19)."""
    sets = _real("46984_sentinel-6a.tle")
    found, _ = detect(sets, method="sma")
    steps = [m for m in found if m.delta_v_mps > 0.1]
    got = [(m.after.epoch_utc.strftime("%m-%d"), m.delta_v_mps) for m in steps]
    assert [d for d, _ in got] == ["12-13", "12-14", "12-17", "12-18"]
    for (_, dv), want in zip(got, (4.41, 5.16, 0.49, 0.47), strict=True):
        assert dv == pytest.approx(want, rel=0.2)
    # the set after the 2020-12-19 00:38 burn shows a last 0.03 m/s step; nothing else is found
    assert [m.after.epoch_utc.strftime("%m-%d") for m in found if m.delta_v_mps <= 0.1] in ([], ["12-19"])
    quiet = [s for s in sets if s.epoch_utc.strftime("%Y-%m-%d") >= "2020-12-20"]
    assert detect(quiet, method="ml")[0] == []


def test_two_burns_that_cancel_half_a_day_apart_keep_the_one_set_between_them():
    """Two in-plane burns of opposite sense 0.55 day apart with a single set between them: that set is off the
    levels either side (which agree), like a bad set, but its eccentricity vector moved with its semi-major axis
    (0.4 m/s moves it by 1e-4, against a few 1e-6 of noise), so it is kept as the level between two burns and
    both burns are found (before, neither was)."""
    for seed in (3, 9, 11, 16, 24):
        sc = _scenario(seed, [(10.0, "sma", 0.4), (10.55, "sma", 0.35)], cadence=(1.5, 2.5))
        assert sc.burns[0].dv_rtn_mps[1] * sc.burns[1].dv_rtn_mps[1] < 0, seed
        found, _ = detect(sc.sets, method="ml", within=sc.window)
        assert [m.maneuver_type for m in found] == ["sma", "sma"], seed
        for m, burn in zip(found, sc.burns, strict=True):
            assert m.before.epoch_unix_s <= burn.t_unix <= m.after.epoch_unix_s, seed
            assert m.gve_dv_along_mps == pytest.approx(burn.dv_rtn_mps[1], rel=0.15), seed


def test_a_trim_whose_only_set_between_is_a_fit_straddling_the_first_burn_is_sized_by_the_eccentricity_vector():
    """A 1.2 m/s burn and a 0.5 m/s trim half a day later with one set between them: on seeds 1, 45 and 47 that
    set is a fit straddling the first burn (0.4-0.5 of the way in *a*), so its semi-major axis splits the net step
    wrongly (0.86 / 0.84 m/s before); its eccentricity vector is already after the first burn and sizes the two.
    On seeds 3 and 7 the trim goes back and the set was taken for a bad set (one 0.7 m/s burn found before)."""
    for seed in (1, 45, 47, 3, 7):
        sc = _scenario(seed, [(10.0, "sma", 1.2), (10.5, "sma", 0.5)], cadence=(1.5, 2.5))
        found, _ = detect(sc.sets, method="ml", within=sc.window)
        assert len(found) == 2, seed
        for m, burn in zip(found, sc.burns, strict=True):
            assert m.gve_dv_along_mps == pytest.approx(burn.dv_rtn_mps[1], rel=0.1), seed
