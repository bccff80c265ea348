"""Grid stage: sample each satellite and keep only the grid intervals where an event can be.

Each satellite is sampled on a grid tied to its orbit (``setup.grid_step_s``); satellites with
similar steps share one ``SatrecArray`` call and the grid times.  Per sample and station only two
signs are formed on the full grid — above the mask, and the sign of the elevation rate (numerator
``n'q − n q'/2`` of d sin(el)/dt, from the Earth-fixed velocity) — from three matrix products with
per-station weights (the station constants carried by a column of ones).  Everything else is
evaluated at the flagged intervals only:

- an extremum candidate wherever the rate changes sign: any peak, however short the pass, is
  bracketed by a grid interval.  A peak with both samples below the mask is kept only if a
  rigorous bound — the geocentric angle to the station cannot shrink faster than the satellite's
  angular rate — allows it to reach the mask (the only screen before the Hermite stage; a bound,
  not an estimate);
- a crossing candidate wherever the mask side changes;
- a window edge wherever the satellite is above the mask at the window's start or end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from ..frames import EARTH_RATE_RAD_S
from ..propagation import propagate_teme
from .fast_math import BoolArray, FloatArray, IntArray, row_dot, take_rows
from .setup import SearchSetup

_GEODETIC_MARGIN_RAD = math.radians(0.3)  # geodetic vs geocentric zenith differ by <= 0.19 deg


@dataclass(frozen=True, slots=True, eq=False)
class Intervals:
    """Grid intervals to search, one row per satellite × station × interval."""

    sat: IntArray
    station: IntArray
    t_start: FloatArray  # UTC Unix seconds
    length_s: FloatArray
    r_start: FloatArray  # Earth-fixed states at both ends (km, km/s), K×3
    v_start: FloatArray
    r_end: FloatArray
    v_end: FloatArray
    tau_guess: FloatArray  # first guess of the event, as a fraction of the interval

    def take(self, index: IntArray) -> Intervals:
        """Rows ``index``."""
        return Intervals(
            self.sat[index], self.station[index], self.t_start[index], self.length_s[index],
            take_rows(self.r_start, index), take_rows(self.v_start, index), take_rows(self.r_end, index),
            take_rows(self.v_end, index), self.tau_guess[index],
        )  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class ExtremumCandidates:
    """Intervals where the elevation rate changes sign."""

    intervals: Intervals
    is_max: BoolArray  # a peak (else a dip with both samples above the mask)
    is_low: BoolArray  # a peak with both samples below the mask


@dataclass(frozen=True, slots=True, eq=False)
class CrossingCandidates:
    """Intervals whose two samples lie on opposite sides of the mask."""

    intervals: Intervals
    above_at_start: BoolArray


@dataclass(frozen=True, slots=True, eq=False)
class WindowEdges:
    """Satellite × station pairs above the mask at the window start or end (one row each)."""

    sat: IntArray
    station: IntArray
    at_end: BoolArray  # False: at the window start
    r: FloatArray  # Earth-fixed state there, K×3
    v: FloatArray
    sin_el: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class GridCandidates:
    extrema: ExtremumCandidates
    crossings: CrossingCandidates
    edges: WindowEdges


@dataclass(frozen=True, slots=True, eq=False)
class FirstErrors:
    """First SGP4 error of each failing satellite on the grid."""

    sat: IntArray
    code: npt.NDArray[np.uint8]
    unix_s: FloatArray


_Stage = TypeVar("_Stage")


def concatenate(parts: list[_Stage]) -> _Stage:
    """One stage result from several chunks' (field by field, nested stage results included)."""
    first = parts[0]
    assert is_dataclass(first)
    values = []
    for item in fields(first):
        column = [getattr(part, item.name) for part in parts]
        values.append(concatenate(column) if is_dataclass(column[0]) else np.concatenate(column))
    stage: Any = type(first)
    return cast(_Stage, stage(*values))


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _GridStates:
    """Earth-fixed states on the grid of one chunk of satellites (n×T)."""

    times: FloatArray  # T
    homogeneous: FloatArray  # n×T×4: x, y, z, 1 (the 1 carries the station constants)
    velocity: FloatArray  # n×T×3
    r_teme: FloatArray  # n×T×3
    v_teme: FloatArray
    error_code: npt.NDArray[np.uint8]  # n×T, 0 = fine
    failed: BoolArray | None  # n×T, None when no sample failed

    @property
    def position(self) -> FloatArray:
        return self.homogeneous[..., :3]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _GridSigns:
    """Per sample and station (n×T×M): horizon-plane height, squared range, rate sign and mask side."""

    height: FloatArray  # (r − pos)·up
    range2: FloatArray  # |r − pos|²
    rate: FloatArray  # n'q − n q'/2, same sign as d sin(el)/dt
    above: BoolArray
    rising: BoolArray
    r2: FloatArray  # |r|², n×T
    rv: FloatArray  # r·v, n×T


def scan_chunk(setup: SearchSetup, chunk: IntArray, count_t: int) -> tuple[GridCandidates, FirstErrors]:
    """Grid stage for satellites ``chunk`` sharing ``count_t`` grid times over the window."""
    grid = _propagate(setup, chunk, np.linspace(setup.start, setup.end, count_t))
    errors = _first_errors(chunk, grid)
    signs = _signs(setup, grid)
    return _candidates(setup, chunk, grid, signs), errors


def _propagate(setup: SearchSetup, chunk: IntArray, times: FloatArray) -> _GridStates:
    err, r_teme, v_teme = propagate_teme([setup.satrecs[k] for k in chunk], times)
    failed = err != 0
    c, s = setup.gmst.cos_sin(times)
    theta_dot = setup.gmst.earth_rate_rad_s
    n, count_t = r_teme.shape[:2]
    homogeneous = np.empty((n, count_t, 4))
    velocity = np.empty((n, count_t, 3))
    x, y = r_teme[..., 0], r_teme[..., 1]
    homogeneous[..., 0] = c * x + s * y
    homogeneous[..., 1] = c * y - s * x
    homogeneous[..., 2] = r_teme[..., 2]
    homogeneous[..., 3] = 1.0
    vx, vy = v_teme[..., 0], v_teme[..., 1]
    velocity[..., 0] = c * vx + s * vy + theta_dot * homogeneous[..., 1]
    velocity[..., 1] = c * vy - s * vx - theta_dot * homogeneous[..., 0]
    velocity[..., 2] = v_teme[..., 2]
    return _GridStates(times, homogeneous, velocity, r_teme, v_teme, err, failed if failed.any() else None)


def _first_errors(chunk: IntArray, grid: _GridStates) -> FirstErrors:
    if grid.failed is None:
        return FirstErrors(np.zeros(0, np.intp), np.zeros(0, np.uint8), np.zeros(0))
    first = np.argmax(grid.failed, axis=1)
    has = grid.failed.any(axis=1)
    return FirstErrors(chunk[has], grid.error_code[has, first[has]], grid.times[first[has]])


def _signs(setup: SearchSetup, grid: _GridStates) -> _GridSigns:
    """The two signs per sample and station, from matrix products with per-station weights."""
    stations = setup.stations
    pos, up = stations.position_km, stations.up
    pos2 = row_dot(pos, pos)
    up_pos = row_dot(up, pos)
    height_weights = np.vstack((up.T, -up_pos[None, :]))  # (r − pos)·up
    range_weights = np.vstack((-2.0 * pos.T, pos2[None, :]))  # |r − pos|² − |r|²
    r2 = row_dot(grid.r_teme, grid.r_teme)  # rotation-invariant: the TEME arrays are contiguous
    rv = row_dot(grid.r_teme, grid.v_teme)  # the Earth-rate terms of the velocity are orthogonal to r
    height = grid.homogeneous @ height_weights
    range2 = grid.homogeneous @ range_weights
    range2 += r2[:, :, None]
    rate = grid.velocity @ up.T  # n'
    v_pos = grid.velocity @ pos.T
    if np.all(setup.sin_mask == 0.0):
        above = height > 0.0
    else:
        above = height > np.sqrt(range2) * setup.sin_mask
    v_pos -= rv[:, :, None]  # −(r − pos)·v = −q'/2
    v_pos *= height
    rate *= range2
    rate += v_pos  # now n'q − n q'/2, in place
    rising = rate > 0.0
    if grid.failed is not None:
        above[grid.failed] = False
        rising[grid.failed] = False
    return _GridSigns(height, range2, rate, above, rising, r2, rv)


def _candidates(setup: SearchSetup, chunk: IntArray, grid: _GridStates, signs: _GridSigns) -> GridCandidates:
    """Flag the intervals where the rate sign or the mask side changes (one scan, flat indices into
    the n×T×M arrays) and gather the states at both ends of each."""
    m = len(setup.stations)
    count_t = grid.times.size
    code = signs.rising.view(np.uint8) << 1
    code |= signs.above.view(np.uint8)
    flat = np.flatnonzero(code[:, 1:] != code[:, :-1])
    flat += (flat // ((count_t - 1) * m)) * m  # index of the interval's first sample
    code_flat = code.reshape(-1)
    code_a, code_b = code_flat[flat], code_flat[flat + m]
    sample, station = np.divmod(flat, m)  # sample = satellite × T + time index
    rising_a, rising_b = code_a >= 2, code_b >= 2
    above_a, above_b = (code_a & 1).astype(bool), (code_b & 1).astype(bool)
    peak = rising_a & ~rising_b
    dip = ~rising_a & rising_b & above_a & above_b
    low = np.flatnonzero(peak & ~(above_a | above_b))
    low = low[_reachable(setup, grid, signs, flat[low], sample[low], station[low])]
    high = np.flatnonzero(peak & (above_a | above_b))
    extremum = np.concatenate((low, high, np.flatnonzero(dip)))
    crossing = np.flatnonzero(above_a != above_b)

    positions = np.ascontiguousarray(grid.position).reshape(-1, 3)
    velocities = grid.velocity.reshape(-1, 3)
    rate_flat = signs.rate.reshape(-1)
    height_flat, range2_flat = signs.height.reshape(-1), signs.range2.reshape(-1)
    h = grid.times[1] - grid.times[0]

    def intervals(rows: IntArray, tau_guess: FloatArray) -> Intervals:
        at = sample[rows]
        return Intervals(
            chunk[at // count_t], station[rows], grid.times[at % count_t], np.full(rows.size, h),
            take_rows(positions, at), take_rows(velocities, at), take_rows(positions, at + 1),
            take_rows(velocities, at + 1), tau_guess,
        )  # fmt: skip

    first = flat[extremum]
    order = np.arange(extremum.size)
    extrema = ExtremumCandidates(
        intervals(extremum, _linear_zero(rate_flat[first], rate_flat[first + m])),
        is_max=order < low.size + high.size,
        is_low=order < low.size,
    )
    first = flat[crossing]
    sin_a = height_flat[first] / np.sqrt(range2_flat[first])
    sin_b = height_flat[first + m] / np.sqrt(range2_flat[first + m])
    sin_mask = setup.sin_mask[station[crossing]]
    crossings = CrossingCandidates(
        intervals(crossing, _linear_zero(sin_a - sin_mask, sin_b - sin_mask)), above_a[crossing]
    )
    return GridCandidates(extrema, crossings, _window_edges(chunk, grid, signs))


def _reachable(
    setup: SearchSetup, grid: _GridStates, signs: _GridSigns, flat: IntArray, sample: IntArray, station: IntArray
) -> BoolArray:
    """Which peaks below the mask at both samples may still reach it inside their interval.

    The geocentric angle ψ between satellite and station cannot shrink faster than the satellite's
    angular rate bound (inertial rate × 1.05 + Earth rate × 1.01); the peak is dropped only if ψ at
    both samples, shrunk at that rate towards the interval's middle, stays above the ψ the mask
    needs at the satellite's largest radius.
    """
    if not flat.size:
        return np.zeros(0, bool)
    m = len(setup.stations)
    count_t = grid.times.size
    pos = setup.stations.position_km
    h = grid.times[1] - grid.times[0]
    r2, rv = signs.r2, signs.rv
    r_norm = np.sqrt(r2)
    pos2 = row_dot(pos, pos)
    pos_norm = np.sqrt(pos2)
    h2 = r2 * row_dot(grid.v_teme, grid.v_teme) - rv * rv  # |r × v|², TEME (inertial)
    rate_inertial = np.sqrt(np.maximum(h2, 0.0)) / r2
    rate_bound = np.nanmax(rate_inertial, axis=1) * 1.05 + EARTH_RATE_RAD_S * 1.01
    r_bound = np.nanmax(r_norm, axis=1) * 1.01
    sat = sample // count_t
    mask_rad = np.radians(setup.mask_deg[station]) - _GEODETIC_MARGIN_RAD
    psi_mask = np.arccos(np.clip(pos_norm[station] / r_bound[sat] * np.cos(mask_rad), -1.0, 1.0)) - mask_rad
    r_norm_flat = r_norm.reshape(-1)
    range2_flat = signs.range2.reshape(-1)
    r_dot_pos_a = 0.5 * (pos2[station] + r2.reshape(-1)[sample] - range2_flat[flat])
    r_dot_pos_b = 0.5 * (pos2[station] + r2.reshape(-1)[sample + 1] - range2_flat[flat + m])
    psi_a = np.arccos(np.clip(r_dot_pos_a / (r_norm_flat[sample] * pos_norm[station]), -1.0, 1.0))
    psi_b = np.arccos(np.clip(r_dot_pos_b / (r_norm_flat[sample + 1] * pos_norm[station]), -1.0, 1.0))
    reachable: BoolArray = 0.5 * (psi_a + psi_b - rate_bound[sat] * h) < psi_mask
    return reachable


def _window_edges(chunk: IntArray, grid: _GridStates, signs: _GridSigns) -> WindowEdges:
    sat_start, station_start = np.nonzero(signs.above[:, 0, :])
    sat_end, station_end = np.nonzero(signs.above[:, -1, :])
    height, range2 = signs.height, signs.range2
    sin_start = height[sat_start, 0, station_start] / np.sqrt(range2[sat_start, 0, station_start])
    sin_end = height[sat_end, -1, station_end] / np.sqrt(range2[sat_end, -1, station_end])
    return WindowEdges(
        sat=np.concatenate((chunk[sat_start], chunk[sat_end])),
        station=np.concatenate((station_start, station_end)),
        at_end=np.concatenate((np.zeros(sat_start.size, bool), np.ones(sat_end.size, bool))),
        r=np.concatenate((grid.position[sat_start, 0], grid.position[sat_end, -1])),
        v=np.concatenate((grid.velocity[sat_start, 0], grid.velocity[sat_end, -1])),
        sin_el=np.concatenate((sin_start, sin_end)),
    )


def _linear_zero(f_start: FloatArray, f_end: FloatArray) -> FloatArray:
    """Fraction of the interval where a linear f crosses zero, kept inside [0.02, 0.98]."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip(f_start / (f_start - f_end), 0.02, 0.98)
