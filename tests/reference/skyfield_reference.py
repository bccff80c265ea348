"""Skyfield as an independent reference for pass times (test/benchmark only, never in the layer).

Skyfield's ``find_events`` is accurate to ~0.4 s, so each of its events is refined here by root
finding on Skyfield's own altitude: secant iterations for rise/set (to 1 µs), and a parabola
through three altitudes for the culmination.  Skyfield gets the same UT1−UTC data (IERS
finals2000A from astropy-iers-data) as the table shipped with groundlink_orbit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from skyfield.api import EarthSatellite, wgs84
from skyfield.data import iers
from skyfield.timelib import Timescale

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tle" / "active_snapshot.tle"
STATIONS = [  # name, lat_deg, lon_deg, alt_m
    ("Cambridge", 52.2, 0.1, 30.0),
    ("Madrid", 40.43, -4.25, 720.0),
    ("Cape Town", -33.93, 18.42, 40.0),
    ("Fairbanks", 64.86, -147.85, 150.0),
    ("Tokyo", 35.68, 139.76, 40.0),
    ("Singapore", 1.35, 103.82, 15.0),
    ("Svalbard", 78.23, 15.41, 500.0),
    ("Hartebeesthoek", -25.89, 27.69, 1400.0),
    ("Hawaii", 19.82, -155.47, 4200.0),
    ("Punta Arenas", -53.15, -70.92, 30.0),
]
WINDOW_START_UNIX_S = 1776384000.0  # 2026-04-17T00:00:00Z, next to the snapshot's epochs
WINDOW_DAYS = 7.0


def timescale() -> Timescale:
    import astropy_iers_data

    path = Path(astropy_iers_data.__file__).with_name("data") / "finals2000A.all"
    with open(path, "rb") as f:
        utc_mjd, dut1 = iers.parse_dut1_from_finals_all(f)
    daily_tt, daily_delta_t, leap_dates, leap_offsets = iers.build_timescale_arrays(utc_mjd, dut1)
    return Timescale((daily_tt, daily_delta_t), leap_dates, leap_offsets)


def unix_to_time(ts: Timescale, unix_s):
    # Count seconds from 2017-01-01 (after the last leap second): Skyfield's ts.utc() counts leap
    # seconds inside an overflowing seconds field, Unix time does not.
    return ts.utc(2017, 1, 1, 0, 0, np.asarray(unix_s, dtype=float) - 1483228800.0)


def time_to_unix(t) -> np.ndarray:
    seconds, fraction, _ = t._utc_seconds(0.0)  # integer seconds since JD 0.0, plus fraction
    return (seconds - 2440587.5 * 86400.0) + fraction


@dataclass
class RefPasses:
    rise_unix_s: np.ndarray
    set_unix_s: np.ndarray
    culmination_unix_s: np.ndarray
    max_elevation_deg: np.ndarray
    starts_before_window: np.ndarray
    ends_after_window: np.ndarray


def _altitude(diff, ts, unix_s):
    return diff.at(unix_to_time(ts, unix_s)).altaz()[0].degrees


def reference_passes(ts, line1, line2, lat, lon, alt_m, start, end, mask_deg) -> RefPasses:
    sat = EarthSatellite(line1, line2, None, ts)
    topos = wgs84.latlon(lat, lon, alt_m)
    diff = sat - topos
    t, kinds = sat.find_events(topos, unix_to_time(ts, start), unix_to_time(ts, end), altitude_degrees=mask_deg)
    times = time_to_unix(t)
    alt_start, alt_end = _altitude(diff, ts, np.array([start, end]))
    # Group events into passes (rise, culminations..., set), clamping to the window.
    rises, sets, culms = [], [], []
    current_rise = start if alt_start > mask_deg else None
    current_culms: list[float] = []
    for when, kind in zip(times.tolist(), kinds.tolist(), strict=True):
        if kind == 0:
            current_rise, current_culms = when, []
        elif kind == 1:
            if current_rise is None:  # culmination above the mask without a rise: Skyfield edge case
                current_rise = start
            current_culms.append(when)
        elif current_rise is not None:
            rises.append(current_rise)
            sets.append(when)
            culms.append(current_culms)
            current_rise, current_culms = None, []
    if current_rise is not None and alt_end > mask_deg:
        rises.append(current_rise)
        sets.append(end)
        culms.append(current_culms)
    rise = np.array(rises, dtype=float)
    fall = np.array(sets, dtype=float)
    sb = rise == start
    ea = fall == end
    rise[~sb] = _refine_crossing(diff, ts, rise[~sb], mask_deg)
    fall[~ea] = _refine_crossing(diff, ts, fall[~ea], mask_deg)
    # Culmination: best refined local maximum, or a clamped window edge.
    flat = np.array([c for cs in culms for c in cs], dtype=float)
    owner = np.array([i for i, cs in enumerate(culms) for _ in cs], dtype=int)
    tc, elc = _refine_peak(diff, ts, flat) if flat.size else (flat, flat)
    best_t = np.full(rise.size, np.nan)
    best_el = np.full(rise.size, -np.inf)
    for i, t_, e_ in zip(owner.tolist(), tc.tolist(), elc.tolist(), strict=True):
        if rise[i] <= t_ <= fall[i] and e_ > best_el[i]:
            best_t[i], best_el[i] = t_, e_
    for i in range(rise.size):
        for edge, flag, value in ((start, sb[i], alt_start), (end, ea[i], alt_end)):
            if flag and value > best_el[i]:
                best_t[i], best_el[i] = edge, value
    return RefPasses(rise, fall, best_t, best_el, sb, ea)


def _refine_crossing(diff, ts, t0: np.ndarray, mask_deg: float, iterations: int = 8) -> np.ndarray:
    if t0.size == 0:
        return t0
    a, b = t0 - 0.5, t0 + 0.5
    fa = _altitude(diff, ts, a) - mask_deg
    fb = _altitude(diff, ts, b) - mask_deg
    for _ in range(iterations):
        with np.errstate(invalid="ignore", divide="ignore"):
            c = b - fb * (b - a) / (fb - fa)
        c = np.where(np.isfinite(c), c, b)
        fc = _altitude(diff, ts, c) - mask_deg
        a, fa, b, fb = b, fb, c, fc
    return b


def _refine_peak(diff, ts, t0: np.ndarray, iterations: int = 3):
    t = t0.copy()
    h = 1.0
    for _ in range(iterations):
        y0 = _altitude(diff, ts, t - h)
        y1 = _altitude(diff, ts, t)
        y2 = _altitude(diff, ts, t + h)
        denom = y0 - 2 * y1 + y2
        with np.errstate(invalid="ignore", divide="ignore"):
            step = 0.5 * h * (y0 - y2) / denom
        step = np.where(np.isfinite(step), np.clip(step, -2 * h, 2 * h), 0.0)
        t = t + step
        h = h / 10.0
    return t, _altitude(diff, ts, t)


def load_snapshot(count: int = 100):
    from groundlink_orbit import parse_tle_text

    report = parse_tle_text(FIXTURE.read_text())
    return report.element_sets[:count]
