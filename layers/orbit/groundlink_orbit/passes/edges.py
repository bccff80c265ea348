"""Pass columns at a cut: a pass up at a window's start or end seen at that instant, as ``find_passes`` builds a
clamped edge (the state at the window edge, rotated with the same GMST anchors; azimuth, range rate, elevation,
slant range and the sunlit flag by the same formulas as ``table``). A caller holding passes found over a larger
window cuts them to a smaller one with these."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..elements import ElementSet
from ..frames import SPEED_OF_LIGHT_KM_S, StationFrame
from .fast_math import BoolArray, FloatArray, row_dot, take_rows
from .gmst import GmstTable
from .polish import earth_fixed_states
from .table import _azimuth_and_rate


@dataclass(frozen=True, slots=True, eq=False)
class EdgeLooks:
    """One row per (station, instant): what a clamped pass edge shows there."""

    azimuth_deg: FloatArray
    elevation_deg: FloatArray
    slant_range_km: FloatArray
    sunlit: BoolArray
    doppler_hz: FloatArray | None  # with a carrier only


def edge_looks(
    element_set: ElementSet,
    stations: StationFrame,
    station: npt.NDArray[np.int64],
    t_unix_s: FloatArray,
    carrier_hz: float | None = None,
) -> EdgeLooks:
    """The satellite seen from ``stations[station[k]]`` at ``t_unix_s[k]``."""
    t = np.asarray(t_unix_s, dtype=float)
    if t.size == 0:
        empty = np.zeros(0)
        return EdgeLooks(empty, empty, empty, np.zeros(0, bool), None if carrier_hz is None else empty)
    satrecs = [element_set.satrec()]
    r, v = np.empty((t.size, 3)), np.empty((t.size, 3))
    sunlit = np.empty(t.size, dtype=bool)
    for instant in np.unique(t).tolist():  # a cut has one or two instants: GMST anchors around each only
        at = np.flatnonzero(t == instant)
        gmst = GmstTable.covering(instant, instant)  # anchors on absolute multiples of 600 s: the finder's values
        x, y, z, vx, vy, vz = earth_fixed_states(satrecs, np.zeros(at.size, np.int64), t[at], gmst)
        r[at] = np.stack((x, y, z), axis=-1)
        v[at] = np.stack((vx, vy, vz), axis=-1)
        sunlit[at] = gmst.sunlit(r[at], t[at])
    az, rate = _azimuth_and_rate(r, v, stations, station)
    rho = r - take_rows(stations.position_km, station)
    distance = np.sqrt(row_dot(rho, rho))
    sin_el = row_dot(rho, take_rows(stations.up, station)) / distance
    elevation = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    doppler = None if carrier_hz is None else -carrier_hz * rate / SPEED_OF_LIGHT_KM_S
    return EdgeLooks(az, elevation, distance, sunlit, doppler)
