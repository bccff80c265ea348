"""Pass prediction for the scheduling surfaces, over the orbit core (``groundlink_orbit``).

Only functions that carry the orbit layer import this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import NamedTuple

import numpy as np
from groundlink_orbit import ElementSet, ElementSetError, PassTable, find_passes, parse_tle, trim_to_horizon

from shared.domain.catalog.models import Satellite, Station
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.scheduling.windows import PassWindow

SGP4_ERROR_TEXT = {
    1: "mean elements out of range (eccentricity or mean motion)",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    6: "the satellite has decayed",
}

def element_set_of(satellite: Satellite) -> ElementSet:
    if satellite.tle is None:
        raise NotFound(f"no element set is stored for satellite {satellite.norad_id}")
    return parse_tle(satellite.tle.line1, satellite.tle.line2, satellite.tle.name or satellite.name)


def element_set_from_lines(line1: str, line2: str, name: str | None) -> ElementSet:
    try:
        return parse_tle(line1, line2, name)
    except ElementSetError as exc:
        raise InvalidRequest(f"tle: {exc}") from None


def predict(
    element_set: ElementSet,
    stations: Sequence[Station],
    start_unix_s: float,
    end_unix_s: float,
    min_elevation_deg: float | Sequence[float],
    carrier_hz: float | None = None,
) -> PassTable:
    lat = np.array([s.latitude for s in stations], dtype=float)
    lon = np.array([s.longitude for s in stations], dtype=float)
    alt = np.array([s.altitude for s in stations], dtype=float)
    return find_passes([element_set], lat, lon, alt, start_unix_s, end_unix_s, min_elevation_deg, carrier_hz=carrier_hz)


def sgp4_warning(table: PassTable) -> str | None:
    code = int(table.sat_error_code[0]) if len(table.sat_error_code) else 0
    if code == 0:
        return None
    from shared.timefmt import iso_ms

    when = float(table.sat_error_unix_s[0])
    reason = SGP4_ERROR_TEXT.get(code, f"SGP4 error {code}")
    return f"propagation stopped at {iso_ms(when)}: {reason}; no passes are predicted after that"


Mask = tuple[list[float], list[float]]  # (azimuths in [0, 360) sorted, minimum elevations), degrees
MaskOf = Callable[[str], Mask | None]


def found_at_elevations(floors: Sequence[float], masks: Sequence[Mask | None]) -> list[float]:
    """The elevation each station's passes are found at: its floor, or its mask's lowest point where higher."""
    return [f if m is None else max(f, min(m[1])) for f, m in zip(floors, masks, strict=True)]


def predict_masked(
    element_set: ElementSet,
    stations: Sequence[Station],
    start_unix_s: float,
    end_unix_s: float,
    floors: Sequence[float],
    masks: Sequence[Mask | None],
    carrier_hz: float | None = None,
) -> PassTable:
    """Passes above ``max(floor, mask(azimuth))`` per station (``floor`` alone where the mask is None): found at
    each masked station's lowest effective elevation, then trimmed to the mask by the orbit core."""
    lowest = found_at_elevations(floors, masks)
    table = predict(element_set, stations, start_unix_s, end_unix_s, lowest, carrier_hz=carrier_hz)
    if all(m is None for m in masks):
        return table
    return trim_to_horizon(table, list(masks), floor_deg=np.asarray(floors, dtype=float), carrier_hz=carrier_hz)


def select_passes(table: PassTable, keep: np.ndarray) -> PassTable:
    """The rows of ``table`` where ``keep`` is true (per-satellite columns and the frames kept whole)."""
    per_row = {f.name: getattr(table, f.name)[keep] for f in fields(table)
               if f.name not in ("sat_error_code", "sat_error_unix_s", "ut1_extrapolated", "element_sets",
                                 "stations") and getattr(table, f.name) is not None}
    return replace(table, **per_row)


class OrbitPasses:
    """The ledger's pass predictor (``shared.domain.ledger.ports.PassPredictor``) over the orbit core; with
    ``masks``, a station's horizon mask (the registry's) replaces its flat minimum elevation."""

    def __init__(self, masks: MaskOf | None = None) -> None:
        self.masks = masks

    def passes_over(self, satellite: Satellite, station: Station, start: datetime, end: datetime) -> list[PassWindow]:
        mask = self.masks(station.id) if self.masks is not None else None
        return passes_over(element_set_of(satellite), station, start.timestamp(), end.timestamp(), mask=mask)


def passes_over(element_set: ElementSet, station: Station, start_unix_s: float, end_unix_s: float,
                margin_s: float = 3 * 3600.0, mask: Mask | None = None) -> list[PassWindow]:
    """Passes of one satellite over one station (above the station's horizon mask if given, else above its own
    flat minimum elevation) around a window: from the process's pass cache, the passes a pass search shows."""
    from shared.domain.scheduling.pass_cache import PROCESS_CACHE

    floor = station.min_elevation_deg if mask is None else -90.0
    table = PROCESS_CACHE.predict(element_set, [station], start_unix_s - margin_s, end_unix_s + margin_s, [floor],
                                  [mask]).table
    return [PassWindow(float(r), float(s), float(e))
            for r, s, e in zip(table.rise_unix_s, table.set_unix_s, table.max_elevation_deg, strict=True)]


class TrackSamples(NamedTuple):
    """The polar tracks of a whole pass table as flat arrays: pass ``i`` is ``[offsets[i], offsets[i + 1])``."""

    time_unix_s: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    offsets: np.ndarray  # len(table) + 1


def track_samples(table: PassTable, step_s: float) -> TrackSamples:
    """Polar tracks of every pass in one vectorised pass: sampled every ``step_s`` from rise to set inclusive —
    the same samples as ``PassTable.track`` — with one SGP4 call per satellite for the whole table."""
    from groundlink_orbit.frames import teme_to_ecef, unix_to_jd

    n = len(table)
    if n == 0:
        empty = np.zeros(0)
        return TrackSamples(empty, empty, empty, np.zeros(1, dtype=np.int64))
    rise, fall = table.rise_unix_s.astype(float), table.set_unix_s.astype(float)
    counts = np.floor((fall - rise) / step_s).astype(np.int64) + 1  # rise, rise+step, ... < fall
    counts -= (rise + (counts - 1) * step_s >= fall) & (counts > 1)  # arange excludes the end itself
    lengths = counts + 1  # plus the set time
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    pass_of = np.repeat(np.arange(n), lengths)
    k = np.arange(offsets[-1]) - offsets[pass_of]
    times = rise[pass_of] + k * step_s
    times[offsets[1:] - 1] = fall
    sats = table.sat_index[pass_of]
    r = np.empty((times.size, 3))
    v = np.empty((times.size, 3))
    for s in np.unique(sats).tolist():  # a pass search has one satellite: one call, no reordering
        at = slice(None) if sats[0] == sats[-1] else np.flatnonzero(sats == s)
        jd, fr = unix_to_jd(times[at])
        err, r_s, v_s = table.element_sets[s].satrec().sgp4_array(jd, fr)
        r_s[err != 0] = np.nan
        r[at], v[at] = r_s, v_s
    r_e, _ = teme_to_ecef(r, v, times)
    st = table.stations
    assert st is not None, "a table with passes keeps its station frame"
    m = table.station_index[pass_of]
    rho = r_e - st.position_km[m]
    # azimuth and elevation exactly as ``frames.topocentric`` (same operations, same order), without the
    # range rate the tracks do not show
    az = np.degrees(np.arctan2(_dot(rho, st.east[m]), _dot(rho, st.north[m]))) % 360.0
    az[az >= 360.0] = 0.0  # -1e-15 % 360 rounds to 360
    el = np.degrees(np.arcsin(np.clip(_dot(rho, st.up[m]) / np.sqrt(_dot(rho, rho)), -1.0, 1.0)))
    return TrackSamples(times, az, el, offsets)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    dot: np.ndarray = a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]
    return dot


def all_tracks(table: PassTable, step_s: float) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Polar tracks of every pass: ``(time_unix_s, azimuth_deg, elevation_deg)`` per pass (``track_samples``
    split by pass)."""
    t, az, el, offsets = track_samples(table, step_s)
    return [(t[a:b], az[a:b], el[a:b]) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]


def iso_ms_array(unix_s: np.ndarray) -> list[str]:
    """Vectorised ``shared.timefmt.iso_ms``: ISO 8601 UTC with milliseconds and ``Z``. The characters are written
    as digits of whole arrays (``iso_ms_bytes``) and split from one string, several times faster than
    ``numpy.datetime_as_string``, which gives the same text and is used where ``iso_ms_bytes`` declines."""
    t = np.asarray(unix_s, dtype=float)
    if t.size == 0:
        return []
    text = iso_ms_bytes(t)
    if text is None:
        with np.errstate(invalid="ignore"):
            ms = np.floor(t * 1000.0 + 1e-6).astype("int64").astype("datetime64[ms]")
        return [s + "Z" for s in np.datetime_as_string(ms, unit="ms").tolist()]
    out = np.empty((t.size, ISO_MS_CHARS + 1), dtype=np.uint8)
    out[:, :ISO_MS_CHARS] = text
    out[:, ISO_MS_CHARS] = ord(" ")
    split: list[str] = out.tobytes().decode("ascii").split()
    return split


ISO_MS_CHARS = 24  # 2026-04-17T06:30:12.345Z


def iso_ms_bytes(unix_s: np.ndarray) -> np.ndarray | None:
    """``iso_ms`` of each time as ASCII, one row of ``ISO_MS_CHARS`` bytes per time; None when a time is not finite
    or outside the years 1000–9999 (four-digit years)."""
    t = np.asarray(unix_s, dtype=float)
    if not bool(np.isfinite(t).all()):
        return None
    ms = np.floor(t * 1000.0 + 1e-6).astype("int64").astype("datetime64[ms]")
    if t.size and not (_FIRST_MS <= ms.min() and ms.max() < _END_MS):
        return None
    days = ms.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    of_day = (ms - days).astype(np.int64)  # milliseconds into the day
    out = np.empty((t.size, ISO_MS_CHARS), dtype=np.uint8)
    out[:] = _ISO_TEMPLATE
    out[:, 0:2] = _TWO_DIGITS.take(year // 100, axis=0)
    out[:, 2:4] = _TWO_DIGITS.take(year % 100, axis=0)
    out[:, 5:7] = _TWO_DIGITS.take((months - years).astype(np.int64) + 1, axis=0)
    out[:, 8:10] = _TWO_DIGITS.take((days - months).astype(np.int64) + 1, axis=0)
    out[:, 11:13] = _TWO_DIGITS.take(of_day // 3_600_000, axis=0)
    out[:, 14:16] = _TWO_DIGITS.take(of_day // 60_000 % 60, axis=0)
    out[:, 17:19] = _TWO_DIGITS.take(of_day // 1000 % 60, axis=0)
    out[:, 20:23] = _THREE_DIGITS.take(of_day % 1000, axis=0)
    return out


_ISO_TEMPLATE = np.frombuffer(b"0000-00-00T00:00:00.000Z", dtype=np.uint8)
_TWO_DIGITS = np.array([list(f"{i:02d}".encode()) for i in range(100)], dtype=np.uint8)
_THREE_DIGITS = np.array([list(f"{i:03d}".encode()) for i in range(1000)], dtype=np.uint8)
_FIRST_MS = np.datetime64("1000-01-01T00:00:00.000", "ms")
_END_MS = np.datetime64("10000-01-01T00:00:00.000", "ms")
