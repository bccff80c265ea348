"""Pass finder: N satellites × M stations over a window, no pass missed, events to milliseconds.

Algorithm (all steps vectorised; Python loops only over satellite chunks and per-satellite C calls):

1. Sample every satellite on a grid tied to its orbit: ``period / 16``, shortened for eccentric
   orbits by the perigee angular-rate factor ``(1+e)²/(1−e²)^1.5``.  Satellites with similar steps
   share one ``SatrecArray`` call.  The window start and end are grid points.
2. At each sample compute, for every station, whether the satellite is above the mask and the sign
   of the elevation rate (numerator ``n'q − n q'/2`` of d sin(el)/dt, from the Earth-fixed velocity).
   Only these two signs are formed on the full grid (three matrix products with per-station
   weights, the station constants carried by a column of ones); everything else is evaluated at
   the flagged intervals only.  Elevation extrema are the sign changes of the rate: any peak,
   however short the pass, is bracketed by a grid interval.  Peaks whose samples are both below
   the mask are kept only if a rigorous bound — the geocentric angle to the station cannot shrink
   faster than the satellite's angular rate — allows them to reach the mask.  This is the only
   screen that drops a candidate before the Hermite stage, and it is a bound, not an estimate.
3. Extrema and mask crossings are first located on a cubic Hermite interpolant of the Earth-fixed
   position (exact positions and velocities at the grid points; ~0.1 km error), then polished by
   safeguarded Newton iterations on exact SGP4 states (bracketed, to < 1 ms).  On the interpolant
   everything is scalar: the height above the horizon plane is a cubic and the squared range a
   degree-6 polynomial in the interval fraction.  Steps 1–2 run per chunk of satellites; steps 3–4
   run once for all chunks (one SGP4 call per satellite per Newton round).  In the grid and the
   polish the GMST angle comes from exact ``gmst82_rad`` values at anchors every 600 s and the chord
   between them: UT1 − UTC is linear between its daily table values at 0h UTC, which are anchors,
   so the chord is exact up to the GMST polynomial's quadratic term (< 1e-12 rad; float rounding
   ~0.5 µs of time).  Its cosine and sine come from the anchors' by angle addition (chord angle
   ≤ 0.044 rad, Taylor series exact to < 1e-17).
4. Crossings pair up into passes; a pass above the mask at the window start/end is clamped and
   flagged.  The culmination is the highest polished maximum inside the pass (or the clamped end).
   Sorting uses one argsort of a composite float key, checked exactly (``lexsort`` fallback).

Speed notes (none of them changes which candidates are kept): selections inside Newton loops use
0/1 weights, not ``np.where`` (~20× slower on unpredictable masks); row dot products use strided
columns or component-major copies, not ``einsum``; ``find_passes`` raises glibc's mmap and trim
thresholds once per process (``_tune_malloc``; ``GROUNDLINK_ORBIT_MALLOPT=0`` opts out), because
with the defaults the heap top was returned to the kernel between numpy temporaries and every new
0.1–2 MB array paid a page fault per 4 KB: ~15 ms of a ~150 ms run of 100 × 10 × 7 days.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np
from sgp4.api import Satrec

from .elements import ElementSet
from .frames import (
    EARTH_MU_KM3_S2,
    EARTH_RATE_RAD_S,
    SPEED_OF_LIGHT_KM_S,
    WGS84_A_KM,
    gmst82_rad,
    station_vectors,
    sun_direction_teme,
    topocentric,
    unix_to_jd,
    validate_stations,
)
from .propagation import as_element_sets, propagate_pairs_ecef, propagate_teme
from .ut1 import ut1_table_coverage

SAMPLES_PER_ORBIT = 16
HERMITE_CROSSING_ITERATIONS = 3
HERMITE_EXTREMUM_ITERATIONS = 2
TIME_TOLERANCE_S = 1e-3
_STEP_GROUP_RATIO = 1.15
_CHUNK_SAMPLES = 200_000  # satellites × times × stations handled at once (memory bound)
_GEODETIC_MARGIN_RAD = math.radians(0.3)  # geodetic vs geocentric zenith differ by <= 0.19 deg
_HERMITE_MARGIN_DEG = 0.1  # Hermite elevation error is ~0.01 deg at 16 samples per orbit
_DIRECT_SGP4 = hasattr(Satrec, "_sgp4")  # sgp4 >= 2.x C extension


_MALLOC_TUNED = False
_MMAP_THRESHOLD_B = 32 << 20  # glibc's own ceiling for its dynamic threshold
_TRIM_THRESHOLD_B = 64 << 20


def _tune_malloc() -> None:
    """Once per process (glibc only): keep numpy's freed work arrays in the heap.

    The pass finder makes thousands of 0.1–2 MB temporaries.  With glibc's defaults the heap top is
    trimmed back to the kernel whenever more than ~2× the last large block is free, so the next
    temporaries are fresh pages again: a page fault per 4 KB (~3 µs each here) made many single
    numpy operations 20–40× slower than their arithmetic (~15 ms of a 150 ms run).  Raising the mmap
    and trim thresholds keeps up to 64 MB of freed memory for reuse; peak memory is unchanged.  It is
    process-wide (every later allocation follows it); ``GROUNDLINK_ORBIT_MALLOPT=0`` opts out.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return
    _MALLOC_TUNED = True
    if not sys.platform.startswith("linux") or os.environ.get("GROUNDLINK_ORBIT_MALLOPT", "1") == "0":
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # absent outside glibc (musl): nothing to tune
        mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    except (OSError, AttributeError):
        return
    mallopt(-3, _MMAP_THRESHOLD_B)  # M_MMAP_THRESHOLD
    mallopt(-1, _TRIM_THRESHOLD_B)  # M_TRIM_THRESHOLD


@dataclass
class _Stations:
    pos: np.ndarray
    east: np.ndarray
    north: np.ndarray
    up: np.ndarray

    @classmethod
    def from_geodetic(cls, lat_deg, lon_deg, alt_m) -> _Stations:
        validate_stations(lat_deg, lon_deg, alt_m)
        return cls(*station_vectors(lat_deg, lon_deg, alt_m))

    def __len__(self) -> int:
        return len(self.pos)


def grid_step_s(element_set: ElementSet) -> float:
    """Sampling step tied to the orbit (see module docstring)."""
    e = min(element_set.eccentricity, 0.95)
    factor = (1.0 + e) ** 2 / (1.0 - e * e) ** 1.5
    return element_set.period_min * 60.0 / SAMPLES_PER_ORBIT / factor


def _dot(a, b):
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _rows(a, idx):
    """``a[idx]`` for a contiguous ``K×3`` array (``np.take`` is ~3× faster than fancy indexing)."""
    return np.take(a, idx, axis=0)


def _edot(a, b):
    """Row-wise dot product of ``…×3`` arrays (strided columns: ~2× faster than ``einsum``)."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _cdot(a, b):
    """Dot product of component-major ``3×K`` arrays."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _accel_ecef(r, v):
    """Two-body acceleration seen in the rotating frame (Newton derivative only, not the result)."""
    r2 = _dot(r, r)
    a = -EARTH_MU_KM3_S2 * r / (r2 * np.sqrt(r2))[..., None]
    w = EARTH_RATE_RAD_S
    a[..., 0] += 2.0 * w * v[..., 1] + w * w * r[..., 0]
    a[..., 1] += -2.0 * w * v[..., 0] + w * w * r[..., 1]
    return a


def _sin_el_derivs(r, v, a, pos, up):
    """sin(elevation) and its first (and with ``a`` second) time derivative, per row."""
    rho = r - pos
    n0 = _dot(rho, up)
    n1 = _dot(v, up)
    q2 = _dot(rho, rho)
    q = np.sqrt(q2)
    q1 = _dot(rho, v) / q
    g = n0 / q
    g1 = n1 / q - n0 * q1 / q2
    if a is None:
        return g, g1, None
    qq = (_dot(v, v) + _dot(rho, a)) / q - q1 * q1 / q
    g2 = _dot(a, up) / q - 2.0 * n1 * q1 / q2 - n0 * qq / q2 + 2.0 * n0 * q1 * q1 / (q2 * q)
    return g, g1, g2


def _hermite_polys(ra, va, rb, vb, h, pos, up, with_range=True):
    """Scalar polynomials in tau of the cubic Hermite interpolant, seen from a station.

    The interpolant p(tau) = sum c_j tau^j (tau in [0, 1]) passes through (r, v) at both ends.
    Returns (a, b): height above the station's horizon plane n(tau) = (p - pos) . up =
    sum a_j tau^j (cubic) and squared range q(tau) = |p - pos|^2 = sum b_k tau^k (degree 6), so
    sin(elevation) = n / sqrt(q) and every later iteration works on scalars only.
    """
    hva = h * va
    hvb = h * vb
    d = rb - ra
    c = (ra - pos, hva, 3.0 * d - 2.0 * hva - hvb, hva + hvb - 2.0 * d)
    # Dot products on component-major copies: 3×K rows multiply ~4× faster than einsum on K×3.
    c = [np.ascontiguousarray(cj.T) for cj in c]
    ut = np.ascontiguousarray(up.T)
    a = [_cdot(cj, ut) for cj in c]
    if not with_range:
        return a, None
    cc = {(i, j): _cdot(c[i], c[j]) for i in range(4) for j in range(i, 4)}
    b = [
        cc[0, 0],
        2.0 * cc[0, 1],
        2.0 * cc[0, 2] + cc[1, 1],
        2.0 * (cc[0, 3] + cc[1, 2]),
        2.0 * cc[1, 3] + cc[2, 2],
        2.0 * cc[2, 3],
        cc[3, 3],
    ]
    return a, b


def _linear_zero(fa, fb):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip(fa / (fa - fb), 0.02, 0.98)


def _bracketed_newton(tau, f, fp, lo, hi, lo_positive):
    """One safeguarded Newton step on [lo, hi]: the bracket shrinks to tau's side, a step leaving
    it bisects instead.  Selections use 0/1 weights (exact for the finite tau, lo, hi; np.where is
    ~20× slower on these unpredictable masks); a non-finite Newton step falls back to bisection."""
    same = (f > 0) == lo_positive
    other = ~same
    lo = tau * same + lo * other
    hi = hi * same + tau * other
    new = tau - f / fp
    ok = (np.abs(new - tau) < 1e-7) | ((new > lo) & (new < hi))  # 1e-7 ~ 30 µs: converged, keep it
    mid = 0.5 * (lo + hi)
    tau = new * ok + mid * ~ok
    bad = ~np.isfinite(tau)
    if bad.any():
        tau[bad] = mid[bad]
    return tau, lo, hi


def _solve_plane(ra, va, rb, vb, h, pos, up, lo, hi, lo_positive, tau0, iterations):
    """``_solve_hermite`` for ``target`` 0: the same safeguarded Newton on n(tau) only."""
    (a0, a1, a2, a3), _ = _hermite_polys(ra, va, rb, vb, h, pos, up, with_range=False)
    da1, da2 = 2.0 * a2, 3.0 * a3
    tau = np.where((tau0 > lo) & (tau0 < hi), tau0, 0.5 * (lo + hi))
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(iterations):
            t = tau
            f = ((a3 * t + a2) * t + a1) * t + a0
            fp = (da2 * t + da1) * t + a1
            tau, lo, hi = _bracketed_newton(tau, f, fp, lo, hi, lo_positive)
    return tau


def _solve_hermite(ra, va, rb, vb, h, pos, up, target, lo, hi, lo_positive, extremum, tau0, iterations=7):
    """Safeguarded Newton on the Hermite interpolant; tau in [lo, hi] (fractions of the interval).

    Root of sin(el) − target (as n − target·sqrt(q)), or (``extremum``) of d sin(el)/dt (as its
    numerator n'q − n q'/2, same sign since q > 0).  Returns tau and sin(el) there.  A root with
    ``target`` 0 everywhere (mask 0°: the horizon plane) is the root of the cubic n alone; sin(el)
    is then not formed (None).
    """
    if not extremum and np.all(target == 0.0):
        return _solve_plane(ra, va, rb, vb, h, pos, up, lo, hi, lo_positive, tau0, iterations), None
    (a0, a1, a2, a3), (b0, b1, b2, b3, b4, b5, b6) = _hermite_polys(ra, va, rb, vb, h, pos, up)
    da1, da2 = 2.0 * a2, 3.0 * a3
    db1, db2, db3, db4, db5 = 2.0 * b2, 3.0 * b3, 4.0 * b4, 5.0 * b5, 6.0 * b6
    if extremum:
        ea0, ea1 = 2.0 * a2, 6.0 * a3
        eb0, eb1, eb2, eb3, eb4 = 2.0 * b2, 6.0 * b3, 12.0 * b4, 20.0 * b5, 30.0 * b6
    tau = np.where((tau0 > lo) & (tau0 < hi), tau0, 0.5 * (lo + hi))
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(iterations):
            t = tau
            n = ((a3 * t + a2) * t + a1) * t + a0
            n1 = (da2 * t + da1) * t + a1
            q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
            q1 = ((((db5 * t + db4) * t + db3) * t + db2) * t + db1) * t + b1
            if extremum:
                n2 = ea1 * t + ea0
                q2 = (((eb4 * t + eb3) * t + eb2) * t + eb1) * t + eb0
                f = n1 * q - 0.5 * n * q1
                fp = n2 * q + 0.5 * (n1 * q1 - n * q2)
            else:
                sq = np.sqrt(q)
                f = n - target * sq
                fp = n1 - (0.5 * target) * q1 / sq
            tau, lo, hi = _bracketed_newton(tau, f, fp, lo, hi, lo_positive)
        t = tau
        n = ((a3 * t + a2) * t + a1) * t + a0
        q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
        g = n / np.sqrt(q)
    return tau, g


_GMST_ANCHOR_S = 600.0  # divides 86 400 s: anchors fall on the UT1 table's daily knots (0h UTC)


def _gmst_table(start: float, end: float):
    """Exact GMST (UT1) at anchors every 600 s around [start, end] and the chord rate to the next.

    UT1 − UTC is interpolated linearly between daily values at 0h UTC, which are anchors, so between
    two anchors GMST is linear in UTC up to the GMST polynomial's quadratic term (< 1e-12 rad): the
    chord reproduces ``gmst82_rad`` without its per-item cost.  Also returns the Earth rate.
    """
    base = math.floor(start / _GMST_ANCHOR_S) * _GMST_ANCHOR_S - _GMST_ANCHOR_S
    count = int(math.ceil((end - base) / _GMST_ANCHOR_S)) + 3
    anchors = base + _GMST_ANCHOR_S * np.arange(count)
    theta, theta_dot = gmst82_rad(anchors)
    rate = np.mod(np.diff(theta), 2.0 * np.pi) / _GMST_ANCHOR_S
    theta = theta[:-1]
    return base, theta, rate, float(theta_dot[0]), np.cos(theta), np.sin(theta)


def _anchor_index(table, t):
    """Anchor ``k`` at or just below ``t`` and ``t`` − anchor (a product and a truncation: ``//``
    and ``floor`` of small quotients are ~30× slower; an anchor one off at an exact multiple only
    extends the chord by rounding)."""
    base, theta = table[0], table[1]
    k = ((t - base) * (1.0 / _GMST_ANCHOR_S)).astype(np.intp)
    np.clip(k, 0, theta.size - 1, out=k)
    return k, t - (base + k * _GMST_ANCHOR_S)


def _gmst_at(table, t):
    _, theta, rate = table[:3]
    k, dt = _anchor_index(table, t)
    return theta[k] + rate[k] * dt


def _gmst_cos_sin(table, t):
    """cos and sin of GMST at ``t`` by angle addition from the anchors: the chord angle past an
    anchor is at most 600 s × 7.3e-5 rad/s = 0.044 rad, where the Taylor series below are exact
    to < 1e-17 (``np.cos``/``np.sin`` cost ~15 ns per item; this is a few plain products)."""
    _, _, rate, _, cos_a, sin_a = table
    k, dt = _anchor_index(table, t)
    d = rate[k] * dt
    if not np.all(np.abs(d) < 0.05):  # outside the anchor table (not reached from this module)
        th = _gmst_at(table, t)
        return np.cos(th), np.sin(th)
    d2 = d * d
    sd = d * (1.0 - d2 * (1.0 / 6.0) * (1.0 - d2 * (1.0 / 20.0) * (1.0 - d2 * (1.0 / 42.0))))
    cd = 1.0 - d2 * 0.5 * (1.0 - d2 * (1.0 / 12.0) * (1.0 - d2 * (1.0 / 30.0) * (1.0 - d2 * (1.0 / 56.0))))
    ck, sk = cos_a[k], sin_a[k]
    return ck * cd - sk * sd, sk * cd + ck * sd


def _sunlit(r_ecef_km, t, table):
    """``frames.sunlit_ecef`` with GMST from the anchor table and the Sun's direction (TEME, moving
    0.04°/h) interpolated linearly between anchors: < 1e-8 rad from the direct evaluation."""
    base, theta = table[0], table[1]
    sun_a = sun_direction_teme(base + _GMST_ANCHOR_S * np.arange(theta.size + 1))
    k, dt = _anchor_index(table, t)
    w = (dt / _GMST_ANCHOR_S)[:, None]
    sun = sun_a[k] * (1.0 - w) + sun_a[k + 1] * w
    c, s = _gmst_cos_sin(table, t)
    sx, sy = sun[:, 0], sun[:, 1]
    sun_e = np.stack([c * sx + s * sy, c * sy - s * sx, sun[:, 2]], -1)
    along = _edot(r_ecef_km, sun_e)
    perp2 = _edot(r_ecef_km, r_ecef_km) - along * along
    return (along > 0.0) | (perp2 > WGS84_A_KM * WGS84_A_KM)


def _sgp4_ecef_grouped(satrecs, sats, times, gmst):
    """Earth-fixed states of ``satrecs[sats[k]]`` at ``times[k]``; ``sats`` grouped (sorted).

    Returns the components (x, y, z, vx, vy, vz), each contiguous.  One vectorised C call per
    satellite.  The GMST angle comes from the anchor table ``gmst`` (``_gmst_table``).  Failed SGP4
    samples are NaN.
    """
    count = len(sats)
    r = np.empty((count, 3))
    v = np.empty((count, 3))
    err = np.empty(count, dtype=np.uint8)
    jd, fr = unix_to_jd(times)
    cuts = (np.flatnonzero(sats[1:] != sats[:-1]) + 1).tolist()
    for a, b in zip([0, *cuts], [*cuts, count], strict=True):
        sat = satrecs[sats[a]]
        if _DIRECT_SGP4:  # the C method behind sgp4_array, writing into our buffers (no copies)
            sat._sgp4(jd[a:b], fr[a:b], err[a:b], r[a:b], v[a:b])
        else:
            err[a:b], r[a:b], v[a:b] = sat.sgp4_array(jd[a:b], fr[a:b])
    if err.any():
        bad = err != 0
        r[bad] = np.nan
        v[bad] = np.nan
    theta_dot = gmst[3]
    c, s = _gmst_cos_sin(gmst, times)
    x, y, z = r.T
    vx, vy, vz = v.T
    xe = c * x + s * y
    ye = c * y - s * x
    vxe = c * vx + s * vy + theta_dot * ye
    vye = c * vy - s * vx - theta_dot * xe
    return xe, ye, z.copy(), vxe, vye, vz.copy()


def _polish(
    satrecs, gmst, sat, st_m, st: _Stations, target, t, lo, hi, lo_positive, extremum, low=None, max_iterations=40
):
    """Safeguarded Newton on exact SGP4 states; returns time, sin(el), Earth-fixed r and v there.

    ``extremum`` (per item or scalar): find the zero of d sin(el)/dt instead of sin(el) = target.
    Each round evaluates SGP4 once per unconverged item.  An item is done when its Newton step is
    below 0.5 s (1 s for extrema) and its second-order error estimate is below 0.1 ms; the final step is
    applied without another evaluation (state extrapolated linearly, sin(el) by Taylor series).
    A peak flagged ``low`` only has to be decided against ``target``: it is done as soon as its
    Taylor-extrapolated maximum is clearly (0.06°) below it.
    """
    count = len(t)
    ext_all = np.broadcast_to(np.asarray(extremum, dtype=bool), (count,))
    low_all = np.zeros(count, bool) if low is None else np.asarray(low, dtype=bool)
    if count == 0:
        return np.empty(0), np.empty(0), np.empty((0, 3)), np.empty((0, 3))
    # Work in satellite order so each round makes one C call per satellite; vectors as components.
    order = np.argsort(sat)  # grouping only: the order within a satellite does not matter
    sat = sat[order]
    st_m = st_m[order]
    px, py, pz = (np.ascontiguousarray(st.pos[:, j])[st_m] for j in range(3))
    ux, uy, uz = (np.ascontiguousarray(st.up[:, j])[st_m] for j in range(3))
    target = target[order]
    lo_positive, ext_all, low_all = lo_positive[order], ext_all[order], low_all[order]
    lo, hi = lo[order], hi[order]
    t = np.clip(t[order], lo, hi)
    e1_all = ext_all.astype(float)  # 1 for extrema, 0 for crossings
    e0_all = 1.0 - e1_all
    cf_all = 1.0 - 0.5 * e1_all  # Taylor weight of g1·step in the final sin(el)
    t_res = np.empty(count)
    g_res = np.empty(count)
    res = np.empty((6, count))  # the first round writes every item
    active = np.arange(count)
    w = EARTH_RATE_RAD_S
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(max_iterations):
            if active.size == 0:
                break
            if active.size == count:
                ta, sa, tg, lp, ext, lw, la, ha = t, sat, target, lo_positive, ext_all, low_all, lo, hi
                qx, qy, qz, wx, wy, wz = px, py, pz, ux, uy, uz
                e1, e0, cf = e1_all, e0_all, cf_all
            else:
                ta, sa, tg, lp = t[active], sat[active], target[active], lo_positive[active]
                ext, lw, la, ha = ext_all[active], low_all[active], lo[active], hi[active]
                qx, qy, qz, wx, wy, wz = (a[active] for a in (px, py, pz, ux, uy, uz))
                e1, e0, cf = e1_all[active], e0_all[active], cf_all[active]
            x, y, z, vx, vy, vz = _sgp4_ecef_grouped(satrecs, sa, ta, gmst)
            # Two-body acceleration in the rotating frame (Newton derivative only).
            r2 = x * x + y * y + z * z
            k = -EARTH_MU_KM3_S2 / (r2 * np.sqrt(r2))
            ax = (k + w * w) * x + (2.0 * w) * vy
            ay = (k + w * w) * y - (2.0 * w) * vx
            az = k * z
            # sin(elevation) g and its first two time derivatives.
            dx, dy, dz = x - qx, y - qy, z - qz
            n0 = dx * wx + dy * wy + dz * wz
            n1 = vx * wx + vy * wy + vz * wz
            q2 = dx * dx + dy * dy + dz * dz
            q = np.sqrt(q2)
            q1 = (dx * vx + dy * vy + dz * vz) / q
            g = n0 / q
            g1 = (n1 - g * q1) / q
            qq = (vx * vx + vy * vy + vz * vz + dx * ax + dy * ay + dz * az - q1 * q1) / q
            g2 = ((ax * wx + ay * wy + az * wz) - 2.0 * g1 * q1 - g * qq) / q
            # Selections by 0/1 weights instead of np.where (~20× slower on these unpredictable
            # masks): x·1 + y·0 is exactly x for the finite values involved.
            f = e1 * g1 + e0 * (g - tg)
            fp = e1 * g2 + e0 * g1
            same = (f > 0) == lp
            other = ~same
            la = ta * same + la * other
            ha = ha * same + ta * other
            full = active.size == count
            if full:
                lo, hi = la, ha
            else:
                lo[active], hi[active] = la, ha
            step = -f / fp
            astep = np.abs(step)
            # Extremum: g + g1*s + g2*s^2/2 with s = -g1/g2; g2 is two-body (~1e-3 relative), so a
            # step below 1 s leaves < 1 ms.  Crossing: Newton's error after this step is
            # ~|g2 / 2 g1| step²: accept below 0.1 ms.
            cg = cf * g1
            g_final = g + cg * step
            small = (ext & ((astep < 1.0) | (lw & (g_final < tg - 1e-3) & (astep < 30.0)))) | (
                ~ext & (astep < 0.5) & (np.abs(0.5 * g2 / g1) * step * step < 1e-4)
            )
            accept = small | (astep < TIME_TOLERANCE_S)  # tiny steps may be below t's resolution
            finite = np.isfinite(f)
            done = accept | (ha - la < TIME_TOLERANCE_S) | ~finite
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
            g_res[where] = g + cg * dt  # g_final where accepted, g otherwise
            t_new = ta + dt  # the Newton step where accepted, ta otherwise
            if not finite.all():
                t_new[~finite] = np.nan
            t_res[where] = t_new
            kk = np.flatnonzero(~done)
            nk, lk, hk = ta[kk] + step[kk], la[kk], ha[kk]
            t[active[kk]] = np.where((nk > lk) & (nk < hk), nk, 0.5 * (lk + hk))
            active = active[kk]
    if active.size:  # not converged within max_iterations
        t_res[active] = np.nan
        g_res[active] = np.nan
        res[:, active] = np.nan
    inverse = np.empty_like(order)
    inverse[order] = np.arange(count)
    res = res[:, inverse]  # back to the callers' order: one gather, then one transpose copy
    return t_res[inverse], g_res[inverse], np.ascontiguousarray(res[:3].T), np.ascontiguousarray(res[3:].T)


def _cat(parts, width=0):
    if not parts:
        return np.empty((0, width)) if width else np.empty(0)
    return np.concatenate(parts)


def search(satrecs, steps_s, stations: _Stations, mask_deg: np.ndarray, start: float, end: float):
    """Find every interval with elevation > mask for all satellite × station pairs.

    Returns (events dict sorted by satellite, station, rise; per-satellite first SGP4 error code and
    its time).  The grid stage runs per chunk of satellites with similar steps; the event stage
    (Hermite search, SGP4 polish, pairing) runs once for all of them.
    """
    n_sat = len(satrecs)
    m = len(stations)
    err_code = np.zeros(n_sat, dtype=np.int32)
    err_time = np.full(n_sat, np.nan)
    cand: dict[str, list] = {}
    order = np.argsort(steps_s, kind="stable")
    gmst = _gmst_table(start, end)
    i = 0
    while i < n_sat:
        step = min(float(steps_s[order[i]]), end - start)
        count_t = int(math.ceil((end - start) / step)) + 1
        limit = max(1, _CHUNK_SAMPLES // (count_t * m))
        j = i
        while j < n_sat and j - i < limit and steps_s[order[j]] <= step * _STEP_GROUP_RATIO:
            j += 1
        j = max(j, i + 1)
        chunk = order[i:j]
        found = _grid_chunk(satrecs, chunk, count_t, stations, mask_deg, start, end, err_code, err_time, gmst)
        for key, value in found.items():
            cand.setdefault(key, []).append(value)
        i = j
    widths = {"ra": 3, "va": 3, "rb": 3, "vb": 3, "c_ra": 3, "c_va": 3, "c_rb": 3, "c_vb": 3, "b_r": 3, "b_v": 3}
    cand = {k: _cat(v, widths.get(k, 0)) for k, v in cand.items()}
    out = _solve_events(satrecs, stations, mask_deg, start, end, cand, gmst)  # sorted by sat, station, rise
    return out, err_code, err_time


def _grid_chunk(satrecs, chunk, count_t, st: _Stations, mask_deg, start, end, err_code, err_time, gmst):
    """Grid stage for satellites ``chunk`` (shared times): bracketed extrema, crossings, boundaries.

    Per sample and station only signs are computed on the full grid (above the mask, elevation
    rising), from three matrix products of the Earth-fixed state with per-station weights; every
    other quantity is evaluated at the few flagged intervals only (flat indices).
    """
    times = np.linspace(start, end, count_t)
    h = times[1] - times[0]
    n, m = len(chunk), len(st)
    err, r_teme, v_teme = propagate_teme([satrecs[k] for k in chunk], times)
    bad = err != 0
    any_bad = bool(bad.any())
    if any_bad:
        first = np.argmax(bad, axis=1)
        has = bad.any(axis=1)
        err_code[chunk[has]] = err[has, first[has]]
        err_time[chunk[has]] = times[first[has]]
    # Earth-fixed state: A = [x, y, z, 1] (the 1 carries the station constants), V = velocity.
    c, s = _gmst_cos_sin(gmst, times)
    theta_dot = gmst[3]
    A = np.empty((n, count_t, 4))
    V = np.empty((n, count_t, 3))
    x, y = r_teme[..., 0], r_teme[..., 1]
    A[..., 0] = c * x + s * y
    A[..., 1] = c * y - s * x
    A[..., 2] = r_teme[..., 2]
    A[..., 3] = 1.0
    vx, vy = v_teme[..., 0], v_teme[..., 1]
    V[..., 0] = c * vx + s * vy + theta_dot * A[..., 1]
    V[..., 1] = c * vy - s * vx - theta_dot * A[..., 0]
    V[..., 2] = v_teme[..., 2]
    R = A[..., :3]
    sin_mask = np.sin(np.radians(mask_deg))  # M
    s2 = _dot(st.pos, st.pos)
    up_pos = _dot(st.up, st.pos)
    w_num = np.vstack((st.up.T, -up_pos[None, :]))  # (r − pos)·up
    w_d = np.vstack((-2.0 * st.pos.T, s2[None, :]))  # |r − pos|² − |r|²

    # Grid quantities, n×T×M: above the mask and the sign of the elevation rate.
    r2 = _edot(r_teme, r_teme)  # rotation-invariant: the TEME arrays are contiguous
    rv = _edot(r_teme, v_teme)  # the Earth-rate terms of V are orthogonal to R
    num = A @ w_num
    rho2 = A @ w_d
    rho2 += r2[:, :, None]
    vu = V @ st.up.T
    vs = V @ st.pos.T
    if np.all(sin_mask == 0.0):
        above = num > 0.0
    else:
        above = num > np.sqrt(rho2) * sin_mask
    vs -= rv[:, :, None]  # −(r − pos)·v
    vs *= num
    vu *= rho2
    vu += vs  # vu is now the rate numerator n'q − n q'/2 (same sign as d sin(el)/dt)
    rising = vu > 0.0
    if any_bad:
        above[bad] = False
        rising[bad] = False
    code = rising.view(np.uint8) << 1
    code |= above.view(np.uint8)
    # One scan for every interval where the rate sign or the mask side changes (flat indices).
    f = np.flatnonzero(code[:, 1:] != code[:, :-1])
    tm = (count_t - 1) * m
    f += (f // tm) * m  # index into the n×T×M arrays of the interval's first sample
    code_f = code.reshape(-1)
    c0, c1 = code_f[f], code_f[f + m]
    row, xm = np.divmod(f, m)  # row = sat × T + k
    rx0, rx1 = c0 >= 2, c1 >= 2
    ax0, ax1 = (c0 & 1).astype(bool), (c1 & 1).astype(bool)
    peak = rx0 & ~rx1  # rate + → −: a peak inside the interval
    dip = ~rx0 & rx1 & ax0 & ax1  # rate − → + with both samples above: a dip
    peak_above = peak & (ax0 | ax1)
    low = peak & ~(ax0 | ax1)
    num_f, rho2_f = num.reshape(-1), rho2.reshape(-1)
    ii = np.flatnonzero(low)

    # Rigorous filter of peaks below the mask at both samples.
    if ii.size:
        rl, ml = row[ii], xm[ii]
        rnorm = np.sqrt(r2)
        snorm = np.sqrt(s2)
        h2 = r2 * _edot(v_teme, v_teme) - rv * rv  # |r × v|², TEME (inertial)
        w_in = np.sqrt(np.maximum(h2, 0.0)) / r2
        w_bound = np.nanmax(w_in, axis=1) * 1.05 + EARTH_RATE_RAD_S * 1.01
        r_bound = np.nanmax(rnorm, axis=1) * 1.01
        sat_l = rl // count_t
        el_m = np.radians(mask_deg[ml]) - _GEODETIC_MARGIN_RAD
        psi_mask = np.arccos(np.clip(snorm[ml] / r_bound[sat_l] * np.cos(el_m), -1.0, 1.0)) - el_m
        rn = rnorm.reshape(-1)
        fl = f[ii]
        rs_a = 0.5 * (s2[ml] + r2.reshape(-1)[rl] - rho2_f[fl])
        rs_b = 0.5 * (s2[ml] + r2.reshape(-1)[rl + 1] - rho2_f[fl + m])
        psi_a = np.arccos(np.clip(rs_a / (rn[rl] * snorm[ml]), -1.0, 1.0))
        psi_b = np.arccos(np.clip(rs_b / (rn[rl + 1] * snorm[ml]), -1.0, 1.0))
        keep = 0.5 * (psi_a + psi_b - w_bound[sat_l] * h) < psi_mask
        ii = ii[keep]
    pa = np.flatnonzero(peak_above)
    dd = np.flatnonzero(dip)
    n_low, n_in = ii.size, pa.size
    e = np.concatenate((ii, pa, dd))
    ef, erow, em = f[e], row[e], xm[e]
    idx = np.arange(e.size)
    cc = np.flatnonzero(ax0 != ax1)
    cf, crow, cm = f[cc], row[cc], xm[cc]
    Rf, Vf = np.ascontiguousarray(R).reshape(-1, 3), V.reshape(-1, 3)
    rate_f = vu.reshape(-1)  # the elevation rate numerator at every sample (computed in place above)
    g0 = num_f[cf] / np.sqrt(rho2_f[cf])
    g1 = num_f[cf + m] / np.sqrt(rho2_f[cf + m])
    bi, bm = np.nonzero(above[:, 0, :])
    ni, nm = np.nonzero(above[:, -1, :])
    g_b0 = num[bi, 0, bm] / np.sqrt(rho2[bi, 0, bm])
    g_b1 = num[ni, -1, nm] / np.sqrt(rho2[ni, -1, nm])
    return {
        # Extremum candidates (intervals with a sign change of the elevation rate).
        "sat": chunk[erow // count_t], "m": em, "t_lo": times[erow % count_t], "h": np.full(e.size, h),
        "ra": _rows(Rf, erow), "va": _rows(Vf, erow), "rb": _rows(Rf, erow + 1), "vb": _rows(Vf, erow + 1),
        "is_max": idx < n_low + n_in, "is_low": idx < n_low,
        "tau0": _linear_zero(rate_f[ef], rate_f[ef + m]),
        # Mask crossings between grid samples.
        "c_sat": chunk[crow // count_t], "c_m": cm, "c_t_lo": times[crow % count_t], "c_h": np.full(cc.size, h),
        "c_ra": _rows(Rf, crow), "c_va": _rows(Vf, crow), "c_rb": _rows(Rf, crow + 1), "c_vb": _rows(Vf, crow + 1),
        "c_lo_pos": ax0[cc],
        "c_tau0": _linear_zero(g0 - sin_mask[cm], g1 - sin_mask[cm]),
        # Above the mask at the window start / end.
        "b_sat": np.concatenate((chunk[bi], chunk[ni])), "b_m": np.concatenate((bm, nm)),
        "b_end": np.concatenate((np.zeros(bi.size, bool), np.ones(ni.size, bool))),
        "b_r": np.concatenate((R[bi, 0], R[ni, -1])), "b_v": np.concatenate((V[bi, 0], V[ni, -1])),
        "b_g": np.concatenate((g_b0, g_b1)),
    }  # fmt: skip


def _event_order(pair, t, up, start, end):
    """Permutation sorting events by (pair, time, up): at equal times a set precedes a rise.

    One (SIMD) argsort of a composite float key, verified exactly; ``np.lexsort`` (three stable
    passes, ~10× slower) only if the key's rounding misordered something.
    """
    order = np.argsort(pair * (end - start + 10.0) + (t - start))
    p, tt, u = pair[order], t[order], up[order]
    same_p = p[1:] == p[:-1]
    ok = (p[1:] > p[:-1]) | (same_p & (tt[1:] > tt[:-1])) | (same_p & (tt[1:] == tt[:-1]) & (u[1:] >= u[:-1]))
    return order if ok.all() else np.lexsort((up, t, pair))


def _stable_argsort(key):
    """``np.argsort(key, kind="stable")`` via the fast unstable sort; equal keys keep input order."""
    order = np.argsort(key)
    k = key[order]
    tie = np.zeros(k.size, bool)
    eq = k[1:] == k[:-1]
    tie[1:] |= eq
    tie[:-1] |= eq
    if tie.any():
        pos = np.flatnonzero(tie)
        run = np.cumsum(np.r_[True, ~eq])[pos]  # run id of each tied position
        order[pos] = order[pos][np.lexsort((order[pos], run))]
    return order


def _solve_events(satrecs, st: _Stations, mask_deg, start, end, c, gmst):
    """Event stage for all satellites at once: Hermite search, SGP4 polish, pairing into passes."""
    sin_mask = np.sin(np.radians(mask_deg))  # M
    ones = np.ones(c["sat"].size)
    em, h, t_lo = c["m"], c["h"], c["t_lo"]
    is_max, is_low = c["is_max"], c["is_low"]

    # Extrema on the Hermite interpolant; keep those that matter.
    tau, g_approx = _solve_hermite(
        c["ra"], c["va"], c["rb"], c["vb"], h[:, None], _rows(st.pos, em), _rows(st.up, em),
        None, 0.0 * ones, ones, is_max, True, c["tau0"], iterations=HERMITE_EXTREMUM_ITERATIONS,
    )  # fmt: skip
    el_approx = np.degrees(np.arcsin(np.clip(g_approx, -1.0, 1.0)))
    need = np.where(
        is_low,
        el_approx > mask_deg[em] - _HERMITE_MARGIN_DEG,
        np.where(is_max, True, el_approx < mask_deg[em] + _HERMITE_MARGIN_DEG),
    )
    need &= np.isfinite(tau)
    x = np.flatnonzero(need)
    em, h, t_lo, tau, is_max, is_low = em[x], h[x], t_lo[x], tau[x], is_max[x], is_low[x]
    esat = c["sat"][x]

    # Grid crossings on the Hermite interpolant.
    cm, ch, ct = c["c_m"], c["c_h"], c["c_t_lo"]
    c_ones = np.ones(cm.size)
    tau_c, _ = _solve_hermite(
        c["c_ra"], c["c_va"], c["c_rb"], c["c_vb"], ch[:, None], _rows(st.pos, cm), _rows(st.up, cm),
        sin_mask[cm], 0.0 * c_ones, c_ones, c["c_lo_pos"], False, c["c_tau0"],
        iterations=HERMITE_CROSSING_ITERATIONS,
    )  # fmt: skip

    # One exact polish for extrema and grid crossings together.
    nx = em.size
    all_m = np.concatenate((em, cm))
    all_lo = np.concatenate((t_lo, ct))
    all_h = np.concatenate((h, ch))
    t_all, g_all, r_all, v_all = _polish(
        satrecs,
        gmst,
        np.concatenate((esat, c["c_sat"])),
        all_m,
        st,
        sin_mask[all_m],
        all_lo + np.concatenate((tau, tau_c)) * all_h,
        all_lo.copy(),
        all_lo + all_h,
        np.concatenate((is_max, c["c_lo_pos"])),
        extremum=np.arange(all_m.size) < nx,
        low=np.concatenate((is_low, np.zeros(cm.size, bool))),
    )
    t_ext, g_ext, r_ext, v_ext = t_all[:nx], g_all[:nx], r_all[:nx], v_all[:nx]
    t_c, r_c, v_c = t_all[nx:], r_all[nx:], v_all[nx:]
    tau_ext = np.clip((t_ext - t_lo) / h, 0.0, 1.0)
    ext_above = g_ext > sin_mask[em]
    split = np.flatnonzero(np.where(is_max, is_low & ext_above, ~ext_above & np.isfinite(g_ext)))

    # A pair of crossings around each split extremum (a low peak above the mask, a dip below it).
    s_sat, s_m, s_t = esat[split], em[split], t_lo[split]
    s_max, stau, s_h = is_max[split], tau_ext[split], h[split]
    if split.size:
        sx = x[split]
        z = np.zeros(split.size)
        lo = np.concatenate((z, stau))
        hi = np.concatenate((stau, z + 1.0))
        lo_pos = np.concatenate((~s_max, s_max))
        s2m = np.concatenate((s_m, s_m))
        s2h = np.concatenate((s_h, s_h))
        s2t = np.concatenate((s_t, s_t))
        tau_s, _ = _solve_hermite(
            *(np.concatenate((_rows(c[k], sx), _rows(c[k], sx))) for k in ("ra", "va", "rb", "vb")), s2h[:, None],
            _rows(st.pos, s2m), _rows(st.up, s2m), sin_mask[s2m], lo.copy(), hi.copy(), lo_pos, False, 0.5 * (lo + hi),
            iterations=HERMITE_CROSSING_ITERATIONS,
        )  # fmt: skip
        t_s, _, r_s, v_s = _polish(
            satrecs,
            gmst, np.concatenate((s_sat, s_sat)), s2m, st, sin_mask[s2m],
            s2t + tau_s * s2h, s2t + lo * s2h, s2t + hi * s2h, lo_pos, extremum=False,
        )  # fmt: skip
    else:
        lo_pos = np.zeros(0, bool)
        s2m = np.zeros(0, np.int64)
        t_s, r_s, v_s = np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3))
    s_sat2 = np.concatenate((s_sat, s_sat))

    # Window boundaries.
    b_sat, b_m, b_end = c["b_sat"], c["b_m"], c["b_end"]
    nb = b_sat.size
    ev_sat = np.concatenate((c["c_sat"], s_sat2, b_sat))
    ev_station = np.concatenate((cm, s2m, b_m))
    ev_t = np.concatenate((t_c, t_s, np.where(b_end, end, start)))
    ev_up = np.concatenate((~c["c_lo_pos"], ~lo_pos, ~b_end))
    ev_r = np.concatenate((r_c, r_s, c["b_r"]))
    ev_v = np.concatenate((v_c, v_s, c["b_v"]))
    ev_clamped = np.concatenate((np.zeros(cm.size + s2m.size, bool), np.ones(nb, bool)))
    m_count = len(st)
    pair = ev_sat * m_count + ev_station
    sel = np.flatnonzero(np.isfinite(ev_t))
    sel = sel[_event_order(pair[sel], ev_t[sel], ev_up[sel], start, end)]
    ev_sat, ev_station, ev_t, ev_up, ev_clamped, pair = (
        a[sel] for a in (ev_sat, ev_station, ev_t, ev_up, ev_clamped, pair)
    )
    is_pass = ev_up[:-1] & ~ev_up[1:] & (pair[:-1] == pair[1:])
    rise = np.flatnonzero(is_pass)
    fall = rise + 1
    rise_ev, fall_ev = sel[rise], sel[fall]  # rows of ev_r / ev_v

    # Culmination: highest polished maximum (or clamped boundary) inside each pass.
    span = end - start + 10.0
    rise_key = pair[rise] * span + (ev_t[rise] - start)
    set_key = pair[fall] * span + (ev_t[fall] - start)
    mx = np.flatnonzero(is_max & ext_above & np.isfinite(t_ext))
    cand_pair = np.concatenate((esat[mx] * m_count + em[mx], b_sat * m_count + b_m))
    cand_t = np.concatenate((t_ext[mx], np.where(b_end, end, start)))
    cand_g = np.concatenate((g_ext[mx], c["b_g"]))
    cand_key = cand_pair * span + (cand_t - start)
    which = np.searchsorted(rise_key, cand_key, side="right") - 1
    inside = (which >= 0) & (cand_key <= set_key[np.maximum(which, 0)] + 1e-6) if rise.size else which < -1
    inside = np.flatnonzero(inside)
    which, cand_g, cand_t = which[inside], cand_g[inside], cand_t[inside]
    # Highest per pass: sort on pass + sin(el) (|sin(el)| <= 1, passes 4 apart; ties below ~1e-9 in
    # sin(el) may pick either maximum, both then within 1e-7 deg of each other).
    best = np.argsort(which * 4.0 + cand_g)
    last = np.r_[which[best][1:] != which[best][:-1], True] if best.size else np.zeros(0, bool)
    best = best[last]
    src = inside[best]  # rows of the concatenated candidates (extrema, then boundaries)
    n_mx = mx.size
    cand_r = np.concatenate((_rows(r_ext, mx[src[src < n_mx]]), _rows(c["b_r"], src[src >= n_mx] - n_mx)))
    cand_v = np.concatenate((_rows(v_ext, mx[src[src < n_mx]]), _rows(c["b_v"], src[src >= n_mx] - n_mx)))
    from_ext = np.concatenate((np.flatnonzero(src < n_mx), np.flatnonzero(src >= n_mx)))
    culm_t = ev_t[rise].copy()
    culm_r = _rows(ev_r, rise_ev)
    culm_v = _rows(ev_v, rise_ev)
    wb = which[best]
    culm_t[wb] = cand_t[best]
    culm_r[wb[from_ext]] = cand_r
    culm_v[wb[from_ext]] = cand_v
    culm_g = np.full(rise.size, np.nan)
    culm_g[wb] = cand_g[best]
    culm_g = np.where(np.isnan(culm_g), sin_mask[ev_station[rise]], culm_g)
    return {
        "sat": ev_sat[rise].astype(np.int64),
        "station": ev_station[rise].astype(np.int64),
        "rise_t": ev_t[rise],
        "set_t": ev_t[fall],
        "culm_t": culm_t,
        "rise_r": _rows(ev_r, rise_ev),
        "rise_v": _rows(ev_v, rise_ev),
        "set_r": _rows(ev_r, fall_ev),
        "set_v": _rows(ev_v, fall_ev),
        "culm_r": culm_r,
        "culm_v": culm_v,
        "culm_g": culm_g,
        "starts_before": ev_clamped[rise].astype(bool),
        "ends_after": ev_clamped[fall].astype(bool),
    }


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
    _stations: _Stations | None = field(repr=False, default=None)

    def __len__(self) -> int:
        return len(self.rise_unix_s)

    def track(self, i: int, step_s: float):
        """(time_unix_s, azimuth_deg, elevation_deg) from rise to set inclusive for pass ``i``."""
        if not step_s > 0:
            raise ValueError("step_s must be positive")
        rise, fall = float(self.rise_unix_s[i]), float(self.set_unix_s[i])
        times = np.arange(rise, fall, step_s)
        times = np.append(times, fall) if times.size == 0 or times[-1] < fall else times
        sat = self.element_sets[int(self.sat_index[i])].satrec()
        m = int(self.station_index[i])
        _, r, v = propagate_pairs_ecef([sat], np.zeros(times.size, dtype=np.int64), times)
        st = self._stations
        az, el, _, _ = topocentric(r, v, st.pos[m], st.east[m], st.north[m], st.up[m])
        return times, az, el


def find_passes(
    element_sets,
    station_lat_deg,
    station_lon_deg,
    station_alt_m,
    start_unix_s: float,
    end_unix_s: float,
    min_elevation_deg,
    carrier_hz: float | None = None,
) -> PassTable:
    """All passes above ``min_elevation_deg`` for every satellite × station in [start, end]."""
    _tune_malloc()
    sets = as_element_sets(element_sets)
    stations = _Stations.from_geodetic(station_lat_deg, station_lon_deg, station_alt_m)
    mask = _mask(min_elevation_deg, len(stations))
    start, end = _window(start_unix_s, end_unix_s)
    satrecs = [s.satrec() for s in sets]
    steps = np.array([grid_step_s(s) for s in sets])
    ev, err_code, err_time = search(satrecs, steps, stations, mask, start, end)
    return _pass_table(ev, sets, stations, err_code, err_time, start, end, carrier_hz)


def _mask(min_elevation_deg, m: int) -> np.ndarray:
    mask = np.broadcast_to(np.asarray(min_elevation_deg, dtype=float), (m,)).copy()
    if not np.all(np.isfinite(mask)) or np.any(mask < -90.0) or np.any(mask >= 90.0):
        raise ValueError("min_elevation_deg must be finite and within -90 (inclusive) .. 90 (exclusive)")
    return mask


def _window(start_unix_s, end_unix_s) -> tuple[float, float]:
    start, end = float(start_unix_s), float(end_unix_s)
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        raise ValueError("the window needs finite start_unix_s < end_unix_s")
    return start, end


def _azimuth_and_rate(r, v, pos, east, north):
    """Azimuth (deg) and range rate (km/s) exactly as ``frames.topocentric`` computes them."""
    rho = r - pos
    rng = np.sqrt(_edot(rho, rho))
    az = np.degrees(np.arctan2(_edot(rho, east), _edot(rho, north))) % 360.0
    az = np.where(az >= 360.0, 0.0, az)
    return az, _edot(rho, v) / rng


def _pass_table(ev, sets, st: _Stations, err_code, err_time, start, end, carrier_hz) -> PassTable:
    # Derived columns first (same formulas as ``topocentric``), then one reorder of 1-D columns.
    m0 = ev["station"]
    pos, east, north = _rows(st.pos, m0), _rows(st.east, m0), _rows(st.north, m0)
    az_r, rate_r = _azimuth_and_rate(ev["rise_r"], ev["rise_v"], pos, east, north)
    az_s, rate_s = _azimuth_and_rate(ev["set_r"], ev["set_v"], pos, east, north)
    rho = ev["culm_r"] - pos
    range_c = np.sqrt(_edot(rho, rho))
    sunlit = _sunlit(ev["culm_r"], ev["culm_t"], _gmst_table(start, end))
    order = _stable_argsort(ev["rise_t"])
    az_r, rate_r, az_s, rate_s, range_c, sunlit = (a[order] for a in (az_r, rate_r, az_s, rate_s, range_c, sunlit))
    keys = ("sat", "station", "rise_t", "set_t", "culm_t", "culm_g", "starts_before", "ends_after")
    ev = {k: ev[k][order] for k in keys}
    m = ev["station"]
    el_c = np.degrees(np.arcsin(np.clip(ev["culm_g"], -1.0, 1.0)))
    doppler_r = doppler_s = None
    if carrier_hz is not None:
        if not (math.isfinite(carrier_hz) and carrier_hz > 0):
            raise ValueError("carrier_hz must be a positive frequency")
        doppler_r = -carrier_hz * rate_r / SPEED_OF_LIGHT_KM_S
        doppler_s = -carrier_hz * rate_s / SPEED_OF_LIGHT_KM_S
    return PassTable(
        sat_index=ev["sat"],
        station_index=m,
        rise_unix_s=ev["rise_t"],
        set_unix_s=ev["set_t"],
        culmination_unix_s=ev["culm_t"],
        rise_azimuth_deg=az_r,
        set_azimuth_deg=az_s,
        max_elevation_deg=el_c,
        slant_range_km=range_c,
        starts_before_window=ev["starts_before"],
        ends_after_window=ev["ends_after"],
        sunlit=sunlit,
        doppler_rise_hz=doppler_r,
        doppler_set_hz=doppler_s,
        sat_error_code=err_code,
        sat_error_unix_s=err_time,
        ut1_extrapolated=not ut1_table_coverage(start, end),
        element_sets=sets,
        _stations=st,
    )
