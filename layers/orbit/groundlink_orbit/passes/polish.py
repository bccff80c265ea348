"""Polish stage: safeguarded Newton iterations on exact SGP4 states, to < 1 ms.

Each round evaluates SGP4 once per unconverged item, one vectorised C call per satellite.  The
Newton derivative uses the two-body acceleration in the rotating frame (~1e-3 relative error:
it only sets the step, never the result).  An item is done when its step is below 0.5 s (1 s for
extrema) and its second-order error estimate below 0.1 ms; the final step is applied without
another evaluation (state extrapolated to second order, sin(el) by Taylor series).  A peak
flagged ``low`` only has to be decided against its mask: it is done as soon as its
Taylor-extrapolated maximum is clearly (0.06°) below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sgp4.api import Satrec  # type: ignore[import-untyped]

from ..frames import EARTH_MU_KM3_S2, EARTH_RATE_RAD_S, unix_to_jd
from .fast_math import BoolArray, FloatArray, IntArray, sgp4_grouped
from .gmst import GmstTable
from .setup import SearchSetup

TIME_TOLERANCE_S = 1e-3
MAX_ITERATIONS = 40


@dataclass(frozen=True, slots=True, eq=False)
class PolishRequest:
    """Events to polish, one row each: a crossing of ``sin_target`` or (``extremum``) an elevation
    extremum, bracketed in [lo, hi] (UTC Unix seconds) with a first guess ``t``."""

    sat: IntArray
    station: IntArray
    sin_target: FloatArray
    t: FloatArray
    lo: FloatArray
    hi: FloatArray
    lo_positive: BoolArray  # f > 0 at lo (f: sin(el) − target, or d sin(el)/dt)
    extremum: BoolArray
    low: BoolArray  # a peak that only has to be decided against the target

    def take(self, index: IntArray) -> PolishRequest:
        return PolishRequest(*(getattr(self, name)[index] for name in self.__slots__))


@dataclass(frozen=True, slots=True, eq=False)
class Polished:
    """Polished events in the request's order: time (NaN if not found), sin(el), Earth-fixed r and v."""

    t: FloatArray
    sin_el: FloatArray
    r: FloatArray  # K×3
    v: FloatArray

    def take(self, index: IntArray | slice) -> Polished:
        return Polished(self.t[index], self.sin_el[index], self.r[index], self.v[index])


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Items:
    """The fixed per-item data of a polish in satellite order, station vectors as components."""

    sat: IntArray
    sin_target: FloatArray
    lo_positive: BoolArray
    extremum: BoolArray
    low: BoolArray
    px: FloatArray
    py: FloatArray
    pz: FloatArray
    ux: FloatArray
    uy: FloatArray
    uz: FloatArray
    weight_rate: FloatArray  # 1 for extrema (f = d sin(el)/dt), 0 for crossings
    weight_sin: FloatArray  # 1 − weight_rate (f = sin(el) − target)
    weight_step: FloatArray  # Taylor weight of g'·step in the final sin(el): 1/2 at extrema

    def take(self, index: IntArray) -> _Items:
        return _Items(*(getattr(self, name)[index] for name in self.__slots__))


def polish(setup: SearchSetup, request: PolishRequest) -> Polished:
    """Newton on exact SGP4 states for every requested event (see the module docstring)."""
    count = request.t.size
    if count == 0:
        return Polished(np.empty(0), np.empty(0), np.empty((0, 3)), np.empty((0, 3)))
    order = np.argsort(request.sat)  # grouping only: the order within a satellite does not matter
    request = request.take(order)
    items = _items(setup, request)
    lo, hi = request.lo, request.hi
    t = np.clip(request.t, lo, hi)
    t_res = np.empty(count)
    g_res = np.empty(count)
    res = np.empty((6, count))  # the first round writes every item
    active = np.arange(count)
    w = EARTH_RATE_RAD_S
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(MAX_ITERATIONS):
            if active.size == 0:
                break
            full = active.size == count
            if full:
                item, t_a, lo_a, hi_a = items, t, lo, hi
            else:
                item, t_a, lo_a, hi_a = items.take(active), t[active], lo[active], hi[active]
            x, y, z, vx, vy, vz = earth_fixed_states(setup.satrecs, item.sat, t_a, setup.gmst)
            # Two-body acceleration in the rotating frame (Newton derivative only).
            r2 = x * x + y * y + z * z
            k = -EARTH_MU_KM3_S2 / (r2 * np.sqrt(r2))
            ax = (k + w * w) * x + (2.0 * w) * vy
            ay = (k + w * w) * y - (2.0 * w) * vx
            az = k * z
            # sin(elevation) g and its first two time derivatives.
            dx, dy, dz = x - item.px, y - item.py, z - item.pz
            n0 = dx * item.ux + dy * item.uy + dz * item.uz
            n1 = vx * item.ux + vy * item.uy + vz * item.uz
            q2 = dx * dx + dy * dy + dz * dz
            q = np.sqrt(q2)
            q1 = (dx * vx + dy * vy + dz * vz) / q
            g = n0 / q
            g1 = (n1 - g * q1) / q
            qq = (vx * vx + vy * vy + vz * vz + dx * ax + dy * ay + dz * az - q1 * q1) / q
            g2 = ((ax * item.ux + ay * item.uy + az * item.uz) - 2.0 * g1 * q1 - g * qq) / q
            # Selections by 0/1 weights (fast_math.select): exact for the finite values involved.
            f = item.weight_rate * g1 + item.weight_sin * (g - item.sin_target)
            f_prime = item.weight_rate * g2 + item.weight_sin * g1
            same_side_as_lo = (f > 0) == item.lo_positive
            other_side = ~same_side_as_lo
            lo_a = t_a * same_side_as_lo + lo_a * other_side
            hi_a = hi_a * same_side_as_lo + t_a * other_side
            if full:
                lo, hi = lo_a, hi_a
            else:
                lo[active], hi[active] = lo_a, hi_a
            step = -f / f_prime
            abs_step = np.abs(step)
            # Extremum: g + g1*s + g2*s^2/2 with s = -g1/g2; g2 is two-body (~1e-3 relative), so a
            # step below 1 s leaves < 1 ms.  Crossing: Newton's error after this step is
            # ~|g2 / 2 g1| step²: accept below 0.1 ms.
            g_step = item.weight_step * g1
            g_final = g + g_step * step
            small = (
                item.extremum & ((abs_step < 1.0) | (item.low & (g_final < item.sin_target - 1e-3) & (abs_step < 30.0)))
            ) | (~item.extremum & (abs_step < 0.5) & (np.abs(0.5 * g2 / g1) * step * step < 1e-4))
            accept = small | (abs_step < TIME_TOLERANCE_S)  # tiny steps may be below t's resolution
            finite = np.isfinite(f)
            done = accept | (hi_a - lo_a < TIME_TOLERANCE_S) | ~finite
            # Results for every active item (those not done are overwritten in a later round).
            dt = step * accept
            if not finite.all():
                dt[~np.isfinite(dt)] = 0.0  # a non-finite step that is not accepted moves nothing
            half = 0.5 * dt * dt
            where = slice(None) if full else active
            res[0, where] = x + vx * dt + ax * half
            res[1, where] = y + vy * dt + ay * half
            res[2, where] = z + vz * dt + az * half
            res[3, where] = vx + ax * dt
            res[4, where] = vy + ay * dt
            res[5, where] = vz + az * dt
            g_res[where] = g + g_step * dt  # g_final where accepted, g otherwise
            t_new = t_a + dt  # the Newton step where accepted, t_a otherwise
            if not finite.all():
                t_new[~finite] = np.nan
            t_res[where] = t_new
            again = np.flatnonzero(~done)
            t_next, lo_next, hi_next = t_a[again] + step[again], lo_a[again], hi_a[again]
            t[active[again]] = np.where((t_next > lo_next) & (t_next < hi_next), t_next, 0.5 * (lo_next + hi_next))
            active = active[again]
    if active.size:  # not converged within MAX_ITERATIONS
        t_res[active] = np.nan
        g_res[active] = np.nan
        res[:, active] = np.nan
    inverse = np.empty_like(order)
    inverse[order] = np.arange(count)
    res = res[:, inverse]  # back to the callers' order: one gather, then one transpose copy
    return Polished(t_res[inverse], g_res[inverse], np.ascontiguousarray(res[:3].T), np.ascontiguousarray(res[3:].T))


def _items(setup: SearchSetup, request: PolishRequest) -> _Items:
    station = request.station
    pos, up = setup.stations.position_km, setup.stations.up
    px, py, pz = (np.ascontiguousarray(pos[:, j])[station] for j in range(3))
    ux, uy, uz = (np.ascontiguousarray(up[:, j])[station] for j in range(3))
    weight_rate = request.extremum.astype(float)
    return _Items(
        request.sat, request.sin_target, request.lo_positive, request.extremum, request.low,
        px, py, pz, ux, uy, uz, weight_rate, 1.0 - weight_rate, 1.0 - 0.5 * weight_rate,
    )  # fmt: skip


def earth_fixed_states(
    satrecs: Sequence[Satrec], sats: IntArray, times: FloatArray, gmst: GmstTable
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Earth-fixed x, y, z, vx, vy, vz (each contiguous) of ``satrecs[sats[k]]`` at ``times[k]``.

    ``sats`` must be grouped (sorted): one vectorised SGP4 call per satellite
    (``fast_math.sgp4_grouped``).  Failed samples are NaN.
    """
    err, r, v = sgp4_grouped(satrecs, sats, unix_to_jd(times))
    if err.any():
        failed = err != 0
        r[failed] = np.nan
        v[failed] = np.nan
    theta_dot = gmst.earth_rate_rad_s
    c, s = gmst.cos_sin(times)
    x, y, z = r.T
    vx, vy, vz = v.T
    xe = c * x + s * y
    ye = c * y - s * x
    vxe = c * vx + s * vy + theta_dot * ye
    vye = c * vy - s * vx - theta_dot * xe
    return xe, ye, z.copy(), vxe, vye, vz.copy()
