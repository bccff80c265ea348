"""SGP4 propagation of many satellites over many times (``SatrecArray``, C-accelerated).

SGP4 error codes are returned per satellite and time (0 = fine; 1 mean eccentricity out of range,
2 mean motion negative, 3 perturbed eccentricity out of range, 4 semi-latus rectum negative,
6 decayed); positions of failed samples are NaN.  Nothing here raises for an SGP4 error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from sgp4.api import SatrecArray

from .elements import ElementSet
from .frames import StationFrame, ecef_to_geodetic, teme_to_ecef, unix_to_jd

SGP4_ERRORS = {
    0: "ok",
    1: "mean eccentricity out of range",
    2: "mean motion negative",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum negative",
    5: "epoch elements are sub-orbital",
    6: "satellite has decayed",
}
_MAX_SAMPLES_PER_CHUNK = 2_000_000


def as_element_sets(element_sets) -> list[ElementSet]:
    if isinstance(element_sets, ElementSet):
        return [element_sets]
    items = list(element_sets)
    if not items:
        raise ValueError("element_sets is empty")
    for item in items:
        if not isinstance(item, ElementSet):
            raise TypeError(f"expected ElementSet, got {type(item).__name__} (parse TLE/OMM first)")
    return items


def as_times(times_unix_s) -> np.ndarray:
    times = np.atleast_1d(np.asarray(times_unix_s, dtype=float))
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        raise ValueError("times_unix_s must be a finite 1-D array of UTC Unix seconds")
    return times


def propagate_teme(satrecs: Sequence, times_unix_s: np.ndarray):
    """Error codes (N×T), TEME positions km and velocities km/s (N×T×3) for shared times."""
    jd, fr = unix_to_jd(times_unix_s)
    err, r, v = SatrecArray(list(satrecs)).sgp4(jd, fr)
    bad = err != 0
    if bad.any():
        r[bad] = np.nan
        v[bad] = np.nan
    return err, r, v


def propagate_pairs_ecef(satrecs: Sequence, sat_index: np.ndarray, times_unix_s: np.ndarray):
    """Earth-fixed state of satellite ``sat_index[k]`` at ``times_unix_s[k]`` (one time per item).

    Items are grouped per satellite so each satellite makes one vectorised C call.
    """
    count = len(sat_index)
    r = np.empty((count, 3))
    v = np.empty((count, 3))
    err = np.empty(count, dtype=np.int32)
    if count == 0:
        return err, r, v
    order = np.argsort(sat_index, kind="stable")
    sats = sat_index[order]
    jd, fr = unix_to_jd(times_unix_s[order])
    cuts = np.flatnonzero(np.diff(sats)) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [count]))
    rs = np.empty((count, 3))
    vs = np.empty((count, 3))
    es = np.empty(count, dtype=np.int32)
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        e_, r_, v_ = satrecs[sats[a]].sgp4_array(jd[a:b], fr[a:b])
        es[a:b], rs[a:b], vs[a:b] = e_, r_, v_
    err[order] = es
    r[order] = rs
    v[order] = vs
    bad = err != 0
    if bad.any():
        r[bad] = np.nan
        v[bad] = np.nan
    r_e, v_e = teme_to_ecef(r, v, times_unix_s)
    return err, r_e, v_e


def station_track(
    element_set: ElementSet, frame: StationFrame, station: int, window_unix_s: tuple[float, float], step_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(time_unix_s, azimuth_deg, elevation_deg) of one satellite seen from one station, sampled every
    ``step_s`` from the window's start up to and including its end (pass and access-window tracks)."""
    start, end = window_unix_s
    times = np.arange(start, end, step_s)
    times = np.append(times, end) if times.size == 0 or times[-1] < end else times
    _, r, v = propagate_pairs_ecef([element_set.satrec()], np.zeros(times.size, dtype=np.int64), times)
    az, el, _, _ = frame.look(r, v, station)
    return times, az, el


class GeodeticTrack(NamedTuple):
    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    altitude_km: np.ndarray
    speed_km_s: np.ndarray  # inertial (TEME) orbital speed
    error_code: np.ndarray


def geodetic_track(element_sets, times_unix_s) -> GeodeticTrack:
    """Sub-satellite WGS-84 latitude/longitude, altitude and orbital speed, each N×T."""
    sets = as_element_sets(element_sets)
    times = as_times(times_unix_s)
    n, t = len(sets), len(times)
    out = [np.empty((n, t)) for _ in range(4)]
    codes = np.empty((n, t), dtype=np.int32)
    chunk = max(1, _MAX_SAMPLES_PER_CHUNK // max(t, 1))
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        err, r, v = propagate_teme([s.satrec() for s in sets[a:b]], times)
        r_e, _ = teme_to_ecef(r, v, times)
        lat, lon, alt = ecef_to_geodetic(r_e)
        out[0][a:b], out[1][a:b], out[2][a:b] = lat, lon, alt
        out[3][a:b] = np.sqrt(np.einsum("...i,...i->...", v, v))
        codes[a:b] = err
    return GeodeticTrack(out[0], out[1], out[2], out[3], codes)


class CurrentPositions(NamedTuple):
    time_unix_s: np.ndarray  # T
    latitude_deg: np.ndarray  # N×T; column 0 is "now"
    longitude_deg: np.ndarray
    altitude_km: np.ndarray
    speed_km_s: np.ndarray
    error_code: np.ndarray


def current_positions(element_sets, now_unix_s: float, horizon_s: float = 5400.0, step_s: float = 60.0):
    """Position now and the trajectory over the next ``horizon_s`` (default 1.5 h) every ``step_s``."""
    if not (step_s > 0 and horizon_s >= 0 and np.isfinite(now_unix_s)):
        raise ValueError("need a finite now_unix_s, horizon_s >= 0 and step_s > 0")
    times = now_unix_s + np.arange(0.0, horizon_s + step_s * 1e-9, step_s)
    track = geodetic_track(element_sets, times)
    return CurrentPositions(times, *track)
