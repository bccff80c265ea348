"""Topocentric look angles of one satellite from any number of stations."""

from __future__ import annotations

import numpy as np

from .elements import ElementSet
from .frames import StationFrame, teme_to_ecef, topocentric
from .propagation import as_times, propagate_teme


def look_angles(element_set: ElementSet, station_lat_deg, station_lon_deg, station_alt_m, times_unix_s):
    """(azimuth_deg, elevation_deg, range_km, range_rate_km_s), each M×T (T for a scalar station).

    Samples where SGP4 fails are NaN (see ``geodetic_track`` for the error codes).
    """
    if not isinstance(element_set, ElementSet):
        raise TypeError("look_angles takes one ElementSet")
    stations = StationFrame.from_geodetic(station_lat_deg, station_lon_deg, station_alt_m)
    times = as_times(times_unix_s)
    scalar = np.ndim(station_lat_deg) == 0 and np.ndim(station_lon_deg) == 0 and np.ndim(station_alt_m) == 0
    _, r, v = propagate_teme([element_set.satrec()], times)
    r_e, v_e = teme_to_ecef(r[0], v[0], times)  # T×3
    out = topocentric(
        r_e[None], v_e[None],
        stations.position_km[:, None], stations.east[:, None], stations.north[:, None], stations.up[:, None],
    )  # fmt: skip
    return tuple(a[0] for a in out) if scalar else out
