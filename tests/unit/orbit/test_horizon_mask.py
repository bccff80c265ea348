"""Horizon-mask trimming (``trim_to_horizon``) against an independent computation on Skyfield: the satellite's
altitude and azimuth from Skyfield, the mask interpolated here with numpy, the crossings of ``altitude −
mask(azimuth)`` found on a 2 s grid and bisected on Skyfield to 1 ms."""

from __future__ import annotations

import functools

import groundlink_orbit as go
import numpy as np
import pytest
from groundlink_orbit.passes import mask_elevation
from skyfield.api import EarthSatellite, wgs84

from tests.reference.skyfield_reference import WINDOW_START_UNIX_S, time_to_unix, timescale, unix_to_time

STATION = (40.43, -4.25, 720.0)  # Madrid
# high in the south-east (a hill), low in the north: passes are cut at different elevations, some vanish
MASK_AZ = np.array([0.0, 60.0, 120.0, 160.0, 200.0, 300.0])
MASK_EL = np.array([3.0, 8.0, 30.0, 30.0, 12.0, 4.0])
START = WINDOW_START_UNIX_S
END = START + 3 * 86400.0


@functools.lru_cache(maxsize=1)
def _timescale():
    return timescale()


def _reference_segments(line1: str, line2: str, floor: float) -> list[tuple[float, float]]:
    ts = _timescale()
    sat = EarthSatellite(line1, line2, None, ts)
    diff = sat - wgs84.latlon(*STATION[:2], STATION[2])

    def f(unix_s: np.ndarray) -> np.ndarray:
        alt, az, _ = diff.at(unix_to_time(ts, unix_s)).altaz()
        mask = np.interp(az.degrees, np.concatenate((MASK_AZ - 360, MASK_AZ, MASK_AZ + 360)),
                         np.concatenate((MASK_EL, MASK_EL, MASK_EL)))
        return alt.degrees - np.maximum(mask, floor)

    # Skyfield's own passes at the lowest elevation bound where the satellite can be above the mask
    lowest = max(float(MASK_EL.min()), floor)
    t, kinds = sat.find_events(wgs84.latlon(*STATION[:2], STATION[2]), unix_to_time(ts, START),
                               unix_to_time(ts, END), altitude_degrees=lowest)
    events = time_to_unix(t)
    windows, rise = [], START
    for e, kind in zip(events.tolist(), kinds.tolist(), strict=True):
        if kind == 0:
            rise = e
        elif kind == 2:
            windows.append((rise, e))
            rise = None
    if rise is not None:
        windows.append((rise, END))
    grid = np.unique(np.concatenate([np.arange(a - 2.0, b + 2.0, 2.0) for a, b in windows]))
    grid = grid[(grid >= START) & (grid <= END)]
    values = f(grid)
    up = values > 0
    k = np.flatnonzero((up[1:] != up[:-1]) & (np.diff(grid) <= 2.0 + 1e-9))
    lo, hi = grid[k], grid[k + 1]
    lo_up = up[k]
    for _ in range(12):  # 2 s / 2**12 < 1 ms
        mid = 0.5 * (lo + hi)
        same = (f(mid) > 0) == lo_up
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    crossings = 0.5 * (lo + hi)
    rises, sets = crossings[~lo_up], crossings[lo_up]
    if up[0] and grid[0] == START:
        rises = np.concatenate(([START], rises))
    if up[-1] and grid[-1] == END:
        sets = np.concatenate((sets, [END]))
    assert time_to_unix(unix_to_time(ts, np.array([START])))[0] == pytest.approx(START, abs=1e-3)
    return list(zip(rises.tolist(), sets.tolist(), strict=True))


@pytest.mark.parametrize("floor", [0.0, 10.0], ids=["mask only", "mask and a 10 deg floor"])
def test_trimmed_passes_match_skyfield(iss, floor):
    lowest = max(float(MASK_EL.min()), floor)
    flat = go.find_passes([iss], *[[v] for v in STATION], START, END, lowest)
    trimmed = go.trim_to_horizon(flat, [(MASK_AZ, MASK_EL)], floor_deg=floor)
    ref = _reference_segments(iss.line1, iss.line2, floor)

    assert len(ref) >= 8  # three days of ISS passes over Madrid
    ours = list(zip(trimmed.rise_unix_s.tolist(), trimmed.set_unix_s.tolist(), strict=True))
    assert len(ours) == len(ref), (ours, ref)
    for (a, b), (ra, rb) in zip(ours, ref, strict=True):
        assert a == pytest.approx(ra, abs=0.1)
        assert b == pytest.approx(rb, abs=0.1)
    assert len(trimmed) < len(flat) or any(
        b - a < fb - fa - 1 for (a, b), fa, fb in zip(ours, flat.rise_unix_s, flat.set_unix_s, strict=False))
    # the trimmed edges lie on the mask, in degrees
    az, el, *_ = go.look_angles(iss, *STATION, trimmed.rise_unix_s)
    limit = np.maximum(np.interp(az, MASK_AZ, MASK_EL, period=360.0), floor)
    inner = ~trimmed.starts_before_window
    np.testing.assert_allclose(el[inner], limit[inner], atol=0.01)
    np.testing.assert_allclose(trimmed.rise_azimuth_deg, az, atol=1e-6)


def test_a_pass_entirely_below_the_mask_disappears(iss):
    flat = go.find_passes([iss], *[[v] for v in STATION], START, END, 0.0)
    low = flat.max_elevation_deg < 25.0
    assert low.any() and (~low).any()
    trimmed = go.trim_to_horizon(flat, [([0.0], [25.0])])  # one point: 25 deg all round
    assert len(trimmed) == int((~low).sum())
    np.testing.assert_allclose(trimmed.max_elevation_deg, flat.max_elevation_deg[~low])
    np.testing.assert_allclose(trimmed.culmination_unix_s, flat.culmination_unix_s[~low])
    assert np.all(trimmed.rise_unix_s > flat.rise_unix_s[~low])


def test_unmasked_stations_keep_their_passes(iss):
    lat, lon, alt = [STATION[0], 52.2], [STATION[1], 0.1], [STATION[2], 30.0]
    flat = go.find_passes([iss], lat, lon, alt, START, END, 3.0)
    trimmed = go.trim_to_horizon(flat, [(MASK_AZ, MASK_EL), None])
    mine = flat.station_index == 1
    np.testing.assert_array_equal(trimmed.rise_unix_s[trimmed.station_index == 1], flat.rise_unix_s[mine])
    assert (trimmed.station_index == 0).sum() <= (flat.station_index == 0).sum() + 2


def test_mask_elevation_wraps_at_360():
    mask = ([10.0, 350.0], [0.0, 20.0])  # 20 deg of azimuth between 350 and 10, through north
    np.testing.assert_allclose(mask_elevation([0.0, 10.0, 180.0, 355.0, 360.0], mask), [10.0, 0.0, 10.0, 15.0, 10.0])
