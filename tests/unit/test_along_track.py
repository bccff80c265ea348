"""The along-track phase of a history and its bends (``along_track``): a small in-plane burn that the semi-major
axis leaves in its noise bends the phase; a quiet history, a plane change and a bad set do not."""

import math

import numpy as np
import pytest
from groundlink_orbit import parse_tle
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

from scripts.maneuvers.scenarios import DAY, generate
from shared.domain.jobs.analysis import along_track
from shared.domain.jobs.analysis.level_shifts import build_series
from shared.domain.jobs.analysis.maneuvers import learned


def _history(seed, burns_at, **kw):
    return generate(np.random.default_rng(seed), 90000, burn_rate=0.0, burns_at=burns_at, outlier_rate=0.0, **kw)


def _dv_mps(s, da_km):
    a = float(np.median(s.a))
    return math.sqrt(398600.4418 / a) * 1000.0 * da_km / (2 * a)


def test_the_unwrapped_phase_follows_the_orbit_set_to_set():
    """Between consecutive sets the unwrapped phase advances by the mean motion times the time between them
    (to within the sets' along-track scatter and the drag's few kilometres), never by a whole extra revolution."""
    sc = _history(11, [])
    s = build_series(sc.sets)
    phase = along_track.phase_km(s)
    rate = np.array([(x.satrec().mdot + x.satrec().argpdot) / 60.0 for x in s.sets]) * float(np.median(s.a))
    step = np.diff(phase) - 0.5 * (rate[1:] + rate[:-1]) * np.diff(s.t)
    assert np.max(np.abs(step)) < 10.0  # km; a revolution is about 44,000 km


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_small_in_plane_burn_bends_the_phase_where_and_by_how_much_it_was(seed):
    """A 0.12 m/s along-track burn: a bend of many standard errors at the gap holding it, sized within 25 %."""
    sc = _history(seed, [(14.3, "sma", 0.12)])
    burn = sc.burns[0]
    s = build_series(sc.sets)
    found = along_track.bends(s, [], 8.0)
    assert len(found) == 1
    bend = found[0]
    idx = np.flatnonzero(s.good)
    assert s.t[idx[bend.position]] < burn.t_unix <= s.t[idx[bend.position + 1]]
    assert _dv_mps(s, bend.da_km) == pytest.approx(burn.dv_rtn_mps[1], rel=0.25)
    assert math.copysign(1, bend.z) == -math.copysign(1, burn.dv_rtn_mps[1])  # a raising burn slows the phase
    assert abs(bend.t_cross - burn.t_unix) < 0.25 * DAY


def test_quiet_histories_and_plane_changes_show_no_bend():
    for seed in range(20, 26):
        assert along_track.bends(build_series(_history(seed, []).sets), [], 8.0) == []
    for seed in range(30, 34):
        sc = _history(seed, [(12.0, "inc", 3.0)])
        assert along_track.bends(build_series(sc.sets), [], 8.0) == []


def test_a_set_far_off_along_track_is_not_a_bend():
    """One set 20 km off along its orbit (a cross-tagged fit whose elements are otherwise close): dropped."""
    sc = _history(41, [])
    k = len(sc.sets) // 2
    bad = sc.sets[k]
    sat = bad.satrec()
    shifted = Satrec()
    shifted.sgp4init(WGS72, "i", bad.norad_id, sat.jdsatepoch + sat.jdsatepochF - 2433281.5, sat.bstar, sat.ndot,
                     0.0, sat.ecco, sat.argpo, sat.inclo, (sat.mo + 20.0 / bad.semi_major_axis_km) % (2 * math.pi),
                     sat.no_kozai, sat.nodeo)
    shifted.intldesg = "26001A"
    sc.sets[k] = parse_tle(*export_tle(shifted))
    assert along_track.bends(build_series(sc.sets), [], 8.0) == []


def test_method_ml_reports_a_burn_only_the_phase_shows_with_its_size_and_bend():
    sc = _history(5, [(14.3, "sma", 0.12)])
    found = learned(sc.sets, sc.window)
    assert len(found) == 1
    c = found[0]
    assert c.maneuver_type == "sma" and c.dv_mps == pytest.approx(0.12, rel=0.25)
    assert abs(c.time_unix - sc.burns[0].t_unix) < 0.25 * DAY
    assert 0.5 <= c.probability <= 1.0
