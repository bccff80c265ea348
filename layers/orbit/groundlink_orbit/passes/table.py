"""``find_passes`` and its result, ``PassTable``: the pass events as columns a caller reads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..elements import ElementSet
from ..frames import SPEED_OF_LIGHT_KM_S, StationFrame
from ..propagation import as_element_sets, station_track
from ..ut1 import ut1_table_coverage
from .events import PassEvents
from .fast_math import FloatArray, row_dot, stable_argsort, take_rows, tune_malloc
from .gmst import GmstTable
from .search import SatelliteErrors, search
from .setup import elevation_masks, time_window


@dataclass
class PassTable:
    """One row per pass, sorted by rise time.  Times are UTC Unix seconds, angles degrees."""

    sat_index: np.ndarray
    station_index: np.ndarray
    rise_unix_s: np.ndarray
    set_unix_s: np.ndarray
    culmination_unix_s: np.ndarray
    rise_azimuth_deg: np.ndarray
    set_azimuth_deg: np.ndarray
    max_elevation_deg: np.ndarray
    slant_range_km: np.ndarray  # at culmination
    starts_before_window: np.ndarray  # rise clamped to the window start
    ends_after_window: np.ndarray  # set clamped to the window end
    sunlit: np.ndarray  # satellite in sunlight at culmination (cylindrical shadow)
    doppler_rise_hz: np.ndarray | None
    doppler_set_hz: np.ndarray | None
    sat_error_code: np.ndarray  # per satellite: first SGP4 error in the window (0 = none)
    sat_error_unix_s: np.ndarray  # per satellite: when it was first seen (NaN = none)
    ut1_extrapolated: bool  # window outside the shipped UT1−UTC table (end value held)
    element_sets: list[ElementSet] = field(repr=False, default_factory=list)
    stations: StationFrame | None = field(repr=False, default=None)  # the stations, indexed by station_index

    def __len__(self) -> int:
        return len(self.rise_unix_s)

    def track(self, i: int, step_s: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(time_unix_s, azimuth_deg, elevation_deg) from rise to set inclusive for pass ``i``."""
        if not step_s > 0:
            raise ValueError("step_s must be positive")
        assert self.stations is not None
        window = (float(self.rise_unix_s[i]), float(self.set_unix_s[i]))
        element_set = self.element_sets[int(self.sat_index[i])]
        return station_track(element_set, self.stations, int(self.station_index[i]), window, step_s)


def find_passes(
    element_sets: ElementSet | list[ElementSet],
    station_lat_deg: npt.ArrayLike,
    station_lon_deg: npt.ArrayLike,
    station_alt_m: npt.ArrayLike,
    start_unix_s: float,
    end_unix_s: float,
    min_elevation_deg: npt.ArrayLike,
    carrier_hz: float | None = None,
) -> PassTable:
    """All passes above ``min_elevation_deg`` for every satellite × station in [start, end]."""
    tune_malloc()
    sets = as_element_sets(element_sets)
    stations = StationFrame.from_geodetic(station_lat_deg, station_lon_deg, station_alt_m)
    mask = elevation_masks(min_elevation_deg, len(stations))
    window = time_window(start_unix_s, end_unix_s)
    gmst = GmstTable.covering(*window)  # one anchor table for the search and the sunlit column
    events, errors = search(sets, stations, mask, window, gmst=gmst)
    return _table(events, errors, sets, stations, window, gmst, carrier_hz)


def _azimuth_and_rate(
    r: FloatArray, v: FloatArray, stations: StationFrame, station: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray]:
    """Azimuth (deg) and range rate (km/s) exactly as ``frames.topocentric`` computes them."""
    rho = r - take_rows(stations.position_km, station)
    distance = np.sqrt(row_dot(rho, rho))
    east, north = take_rows(stations.east, station), take_rows(stations.north, station)
    az = np.degrees(np.arctan2(row_dot(rho, east), row_dot(rho, north))) % 360.0
    az = np.where(az >= 360.0, 0.0, az)
    return az, row_dot(rho, v) / distance


def _table(
    events: PassEvents,
    errors: SatelliteErrors,
    sets: list[ElementSet],
    stations: StationFrame,
    window: tuple[float, float],
    gmst: GmstTable,
    carrier_hz: float | None,
) -> PassTable:
    """Derived columns first (same formulas as ``topocentric``), then one reorder by rise time."""
    station = events.station
    rise_az, rise_rate = _azimuth_and_rate(events.rise_r, events.rise_v, stations, station)
    set_az, set_rate = _azimuth_and_rate(events.set_r, events.set_v, stations, station)
    rho = events.culmination_r - take_rows(stations.position_km, station)
    slant_range = np.sqrt(row_dot(rho, rho))
    sunlit = gmst.sunlit(events.culmination_r, events.culmination_unix_s)
    order = stable_argsort(events.rise_unix_s)
    rise_az, rise_rate, set_az, set_rate = rise_az[order], rise_rate[order], set_az[order], set_rate[order]
    slant_range, sunlit = slant_range[order], sunlit[order]
    doppler_rise = doppler_set = None
    if carrier_hz is not None:
        if not (math.isfinite(carrier_hz) and carrier_hz > 0):
            raise ValueError("carrier_hz must be a positive frequency")
        doppler_rise = -carrier_hz * rise_rate / SPEED_OF_LIGHT_KM_S
        doppler_set = -carrier_hz * set_rate / SPEED_OF_LIGHT_KM_S
    return PassTable(
        sat_index=events.sat[order],
        station_index=station[order],
        rise_unix_s=events.rise_unix_s[order],
        set_unix_s=events.set_unix_s[order],
        culmination_unix_s=events.culmination_unix_s[order],
        rise_azimuth_deg=rise_az,
        set_azimuth_deg=set_az,
        max_elevation_deg=np.degrees(np.arcsin(np.clip(events.culmination_sin_el[order], -1.0, 1.0))),
        slant_range_km=slant_range,
        starts_before_window=events.starts_before_window[order],
        ends_after_window=events.ends_after_window[order],
        sunlit=sunlit,
        doppler_rise_hz=doppler_rise,
        doppler_set_hz=doppler_set,
        sat_error_code=errors.code,
        sat_error_unix_s=errors.unix_s,
        ut1_extrapolated=not ut1_table_coverage(*window),
        element_sets=sets,
        stations=stations,
    )
