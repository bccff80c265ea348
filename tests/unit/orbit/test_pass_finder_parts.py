"""Pass finder building blocks: the station frame, the SGP4 buffer call, the fast-math equivalences."""

import dataclasses

import numpy as np
import pytest
from groundlink_orbit import find_passes, look_angles
from groundlink_orbit.frames import StationFrame, unix_to_jd
from groundlink_orbit.passes import fast_math
from groundlink_orbit.passes.gmst import GmstTable

T0 = 1776384000.0  # 2026-04-17T00:00:00Z
DAY = 86400.0


def test_pass_table_exposes_its_station_frame(iss):
    table = find_passes([iss], [52.2, -33.93], [0.1, 18.42], [30.0, 40.0], T0, T0 + DAY, 0.0)
    frame = table.stations
    assert isinstance(frame, StationFrame) and len(frame) == 2
    # Given a pass, when its track is sampled, then the frame gives the same angles as look_angles.
    times, az, el = table.track(0, 10.0)
    lat, lon, alt = ([52.2, -33.93], [0.1, 18.42], [30.0, 40.0])
    station = int(table.station_index[0])
    az_ref, el_ref, _, _ = look_angles(iss, lat[station], lon[station], alt[station], times)
    assert np.allclose(az, az_ref, atol=1e-9) and np.allclose(el, el_ref, atol=1e-9)


def test_station_frame_is_frozen_and_validated():
    frame = StationFrame.from_geodetic([0.0], [0.0], [0.0])
    assert np.allclose(frame.up, [[1.0, 0.0, 0.0]]) and np.allclose(frame.position_km, [[6378.137, 0.0, 0.0]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame.up = frame.east  # type: ignore[misc]
    with pytest.raises(ValueError, match="latitude"):
        StationFrame.from_geodetic([91.0], [0.0], [0.0])


@pytest.mark.parametrize("into_buffers", [True, False])
def test_sgp4_grouped_equals_public_sgp4_array(snapshot, monkeypatch, into_buffers):
    monkeypatch.setattr(fast_math, "_SGP4_INTO_BUFFERS", into_buffers)
    satrecs = [s.satrec() for s in snapshot[:3]]
    sats = np.array([0] * 5 + [2] * 7)  # grouped; satellite 1 has no items
    jd, fr = unix_to_jd(T0 + np.linspace(0.0, DAY, sats.size))
    err, r, v = fast_math.sgp4_grouped(satrecs, sats, (jd, fr))
    for sat, rows in ((0, slice(0, 5)), (2, slice(5, 12))):
        err_ref, r_ref, v_ref = satrecs[sat].sgp4_array(jd[rows], fr[rows])
        assert np.array_equal(err[rows], err_ref) and np.array_equal(r[rows], r_ref)
        assert np.array_equal(v[rows], v_ref)


def test_fast_math_equals_plain_numpy():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    cond = rng.random(50) < 0.5
    assert np.array_equal(fast_math.select(cond, a[:, 0], b[:, 0]), np.where(cond, a[:, 0], b[:, 0]))
    assert np.allclose(fast_math.row_dot(a, b), np.einsum("ij,ij->i", a, b), rtol=1e-15)
    assert np.allclose(fast_math.component_dot(a.T.copy(), b.T.copy()), np.einsum("ij,ij->i", a, b), rtol=1e-15)
    key = np.round(rng.random(200) * 10)  # many ties
    assert np.array_equal(fast_math.stable_argsort(key), np.argsort(key, kind="stable"))
    group = rng.integers(0, 5, 200)
    t = np.round(rng.random(200) * 100.0)
    flag = rng.random(200) < 0.5
    order = fast_math.lexsort_by_group_time_flag(group, t, flag, (0.0, 100.0))
    assert np.array_equal(np.c_[group, t, flag][order], np.c_[group, t, flag][np.lexsort((flag, t, group))])
    angle = np.linspace(-0.05, 0.05, 101)
    cos_sum, sin_sum = fast_math.rotate_by_small_angle(np.cos(1.0) + 0 * angle, np.sin(1.0) + 0 * angle, angle)
    assert np.allclose(cos_sum, np.cos(1.0 + angle), atol=1e-15)
    assert np.allclose(sin_sum, np.sin(1.0 + angle), atol=1e-15)


def test_gmst_table_matches_direct_gmst():
    from groundlink_orbit.frames import gmst82_rad

    times = T0 + np.linspace(0.0, 7 * DAY, 5001)
    cos_t, sin_t = GmstTable.covering(T0, T0 + 7 * DAY).cos_sin(times)
    theta, _ = gmst82_rad(times)
    # 5e-11 rad is 0.7 µs of Earth rotation: the float rounding of the chord, as the module says.
    assert np.max(np.abs(cos_t - np.cos(theta))) < 5e-11 and np.max(np.abs(sin_t - np.sin(theta))) < 5e-11
