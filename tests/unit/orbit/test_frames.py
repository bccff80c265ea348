"""Frames: GMST/UT1, TEME → Earth-fixed, WGS-84 geodetic, topocentric look angles."""

import numpy as np
import pytest
from groundlink_orbit import look_angles, ut1_minus_utc_s, ut1_table_coverage
from groundlink_orbit.frames import ecef_to_geodetic, gmst82_rad, station_vectors, teme_to_ecef, topocentric
from groundlink_orbit.ut1 import load_table
from sgp4.propagation import gstime

WINDOW_START_UNIX_S = 1776384000.0  # 2026-04-17T00:00:00Z, frozen "now" next to the snapshot epochs


def test_gmst_matches_vallado_gstime_with_ut1_applied():
    t = WINDOW_START_UNIX_S + np.array([0.0, 12345.6, 86400.0 * 3.3])
    theta, _ = gmst82_rad(t)
    jd_ut1 = 2440587.5 + (t + ut1_minus_utc_s(t)) / 86400.0
    expected = np.array([gstime(x) for x in jd_ut1])
    np.testing.assert_allclose(np.angle(np.exp(1j * (theta - expected))), 0.0, atol=1e-8)  # 2 mas (float JD)


def test_ut1_table_holds_last_value_and_says_so():
    table = load_table()
    assert ut1_table_coverage(WINDOW_START_UNIX_S, WINDOW_START_UNIX_S + 7 * 86400)
    late = table.end_unix_s + 10 * 86400
    assert not ut1_table_coverage(WINDOW_START_UNIX_S, late)
    assert ut1_minus_utc_s(late) == table.ut1_minus_utc_s[-1]
    assert abs(ut1_minus_utc_s(WINDOW_START_UNIX_S)) < 0.9


def test_geodetic_round_trip_within_a_millimetre():
    lat = np.array([-89.9, -45.0, 0.0, 12.3, 60.0, 89.9])
    lon = np.array([-179.0, -60.0, 0.0, 45.0, 120.0, 179.9])
    alt_m = np.array([0.0, 1000.0, -50.0, 400e3, 35786e3, 10.0])
    pos, *_ = station_vectors(lat, lon, alt_m)
    la, lo, h = ecef_to_geodetic(pos)
    np.testing.assert_allclose(la, lat, atol=1e-9)
    np.testing.assert_allclose(lo, lon, atol=1e-9)
    np.testing.assert_allclose(h, alt_m / 1000.0, atol=1e-6)


def test_topocentric_geometry():
    pos, east, north, up = station_vectors([40.0], [-3.0], [600.0])
    above = pos + 500.0 * up
    north_low = pos + 1000.0 * north
    r = np.concatenate([above, north_low, pos + 1000.0 * east])
    v = np.zeros_like(r)
    v[0] = up[0]  # receding vertically at 1 km/s
    az, el, rng, rate = topocentric(r, v, pos, east, north, up)
    assert el[0] == pytest.approx(90.0)
    assert rng[0] == pytest.approx(500.0)
    assert rate[0] == pytest.approx(1.0)
    assert (az[1], el[1]) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert (az[2], el[2]) == pytest.approx((90.0, 0.0), abs=1e-9)


def test_teme_to_ecef_preserves_norms_and_adds_earth_rotation():
    r = np.array([[7000.0, 0.0, 0.0]])
    v = np.array([[0.0, 7.5, 0.0]])
    re, ve = teme_to_ecef(r, v, np.array([WINDOW_START_UNIX_S]))
    assert np.linalg.norm(re) == pytest.approx(7000.0)
    assert np.linalg.norm(ve) == pytest.approx(7.5 - 7000.0 * 7.2921e-5, rel=1e-4)


def test_look_angles_shapes_and_broadcasting(iss):
    t = WINDOW_START_UNIX_S + np.arange(0.0, 600.0, 60.0)
    az, el, rng, rate = look_angles(iss, [52.2, -33.9, 0.0], [0.1, 18.4, 0.0], [0.0, 0.0, 0.0], t)
    assert az.shape == el.shape == rng.shape == rate.shape == (3, 10)
    single = look_angles(iss, 52.2, 0.1, 0.0, t)
    np.testing.assert_allclose(single[1], el[0])
    assert single[0].shape == (10,)
    assert np.all((rng > 300) & (rng < 14000))
    with pytest.raises(ValueError):
        look_angles(iss, 95.0, 0.0, 0.0, t)
