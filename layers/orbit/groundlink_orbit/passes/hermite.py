"""Hermite stage: locate extrema and mask crossings inside grid intervals, on an interpolant.

The satellite's Earth-fixed position over an interval is replaced by the cubic Hermite
interpolant p(tau) = Σ c_j tau^j (tau in [0, 1]) through the exact positions and velocities at
both ends (~0.1 km error at 16 samples per orbit).  Seen from a station, everything becomes scalar
polynomials in tau: the height above the horizon plane n(tau) = (p − pos)·up is a cubic and the
squared range q(tau) = |p − pos|² of degree 6, so sin(el) = n / √q.  Roots are found by
safeguarded Newton iterations inside a bracket that shrinks at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..frames import StationFrame
from .fast_math import BoolArray, FloatArray, component_dot, select, take_rows
from .grid import Intervals

_CONVERGED_TAU = 1e-7  # ~30 µs of a grid interval: a Newton step this small is kept even at the bracket


@dataclass(frozen=True, slots=True, eq=False)
class Bracket:
    """Interval fractions [lo, hi] holding a sign change of f; ``lo_positive``: f > 0 at lo."""

    lo: FloatArray
    hi: FloatArray
    lo_positive: BoolArray

    @classmethod
    def whole(cls, lo_positive: BoolArray) -> Bracket:
        ones = np.ones(lo_positive.size)
        return cls(0.0 * ones, ones, lo_positive)

    def start(self, tau_guess: FloatArray) -> FloatArray:
        """The guess where it lies inside the bracket, else the bracket's middle."""
        return np.where((tau_guess > self.lo) & (tau_guess < self.hi), tau_guess, 0.5 * (self.lo + self.hi))

    def newton_step(self, tau: FloatArray, f: FloatArray, f_prime: FloatArray) -> tuple[FloatArray, Bracket]:
        """One safeguarded Newton step: the bracket shrinks to tau's side, a step leaving it
        bisects instead, and a non-finite step falls back to bisection."""
        same_side_as_lo = (f > 0) == self.lo_positive
        lo = select(same_side_as_lo, tau, self.lo)
        hi = select(~same_side_as_lo, tau, self.hi)
        new = tau - f / f_prime
        ok = (np.abs(new - tau) < _CONVERGED_TAU) | ((new > lo) & (new < hi))
        middle = 0.5 * (lo + hi)
        tau = select(ok, new, middle)
        bad = ~np.isfinite(tau)
        if bad.any():
            tau[bad] = middle[bad]
        return tau, Bracket(lo, hi, self.lo_positive)


@dataclass(frozen=True, slots=True, eq=False)
class SeenFromStation:
    """Coefficients (lowest power first) of the interpolant seen from each item's station."""

    height: tuple[FloatArray, FloatArray, FloatArray, FloatArray]  # n(tau), cubic
    range2: tuple[FloatArray, ...] | None  # q(tau), degree 6 (None when not needed)

    @classmethod
    def of(cls, intervals: Intervals, stations: StationFrame, with_range: bool = True) -> SeenFromStation:
        h = intervals.length_s[:, None]
        hv_start = h * intervals.v_start
        hv_end = h * intervals.v_end
        chord = intervals.r_end - intervals.r_start
        pos = take_rows(stations.position_km, intervals.station)
        # p(tau) − pos = Σ c_j tau^j, kept component-major only (fast_math.component_dot; the K×3
        # originals are freed at once: ~10 MB at 10 000 satellites).
        c = [
            np.ascontiguousarray(cj.T)
            for cj in (
                intervals.r_start - pos,
                hv_start,
                3.0 * chord - 2.0 * hv_start - hv_end,
                hv_start + hv_end - 2.0 * chord,
            )
        ]
        up = np.ascontiguousarray(take_rows(stations.up, intervals.station).T)
        a0, a1, a2, a3 = (component_dot(cj, up) for cj in c)
        if not with_range:
            return cls((a0, a1, a2, a3), None)
        cc = {(i, j): component_dot(c[i], c[j]) for i in range(4) for j in range(i, 4)}
        range2 = (
            cc[0, 0],
            2.0 * cc[0, 1],
            2.0 * cc[0, 2] + cc[1, 1],
            2.0 * (cc[0, 3] + cc[1, 2]),
            2.0 * cc[1, 3] + cc[2, 2],
            2.0 * cc[2, 3],
            cc[3, 3],
        )
        return cls((a0, a1, a2, a3), range2)


def extremum_on_interpolant(
    intervals: Intervals, stations: StationFrame, is_max: BoolArray, iterations: int
) -> tuple[FloatArray, FloatArray]:
    """tau of the elevation extremum in each interval and sin(el) there (on the interpolant).

    The root of d sin(el)/dt, taken as its numerator n'q − n q'/2 (same sign, q > 0).
    """
    seen = SeenFromStation.of(intervals, stations)
    a0, a1, a2, a3 = seen.height
    assert seen.range2 is not None
    b0, b1, b2, b3, b4, b5, b6 = seen.range2
    da1, da2 = 2.0 * a2, 3.0 * a3
    db1, db2, db3, db4, db5 = 2.0 * b2, 3.0 * b3, 4.0 * b4, 5.0 * b5, 6.0 * b6
    dda0, dda1 = 2.0 * a2, 6.0 * a3
    ddb0, ddb1, ddb2, ddb3, ddb4 = 2.0 * b2, 6.0 * b3, 12.0 * b4, 20.0 * b5, 30.0 * b6
    bracket = Bracket.whole(is_max)
    tau = bracket.start(intervals.tau_guess)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(iterations):
            t = tau
            n = ((a3 * t + a2) * t + a1) * t + a0
            n1 = (da2 * t + da1) * t + a1
            n2 = dda1 * t + dda0
            q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
            q1 = ((((db5 * t + db4) * t + db3) * t + db2) * t + db1) * t + b1
            q2 = (((ddb4 * t + ddb3) * t + ddb2) * t + ddb1) * t + ddb0
            f = n1 * q - 0.5 * n * q1
            f_prime = n2 * q + 0.5 * (n1 * q1 - n * q2)
            tau, bracket = bracket.newton_step(tau, f, f_prime)
        t = tau
        n = ((a3 * t + a2) * t + a1) * t + a0
        q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
        sin_el = n / np.sqrt(q)
    return tau, sin_el


def crossing_on_interpolant(
    intervals: Intervals, stations: StationFrame, sin_mask: FloatArray, bracket: Bracket, iterations: int
) -> FloatArray:
    """tau where sin(el) = ``sin_mask`` (per item) inside ``bracket``, on the interpolant.

    The root of n − sin_mask·√q; with every mask at 0° (the horizon plane) the root of the cubic n.
    """
    if np.all(sin_mask == 0.0):
        return _horizon_crossing(intervals, stations, bracket, iterations)
    seen = SeenFromStation.of(intervals, stations)
    a0, a1, a2, a3 = seen.height
    assert seen.range2 is not None
    b0, b1, b2, b3, b4, b5, b6 = seen.range2
    da1, da2 = 2.0 * a2, 3.0 * a3
    db1, db2, db3, db4, db5 = 2.0 * b2, 3.0 * b3, 4.0 * b4, 5.0 * b5, 6.0 * b6
    tau = bracket.start(intervals.tau_guess)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(iterations):
            t = tau
            n = ((a3 * t + a2) * t + a1) * t + a0
            n1 = (da2 * t + da1) * t + a1
            q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
            q1 = ((((db5 * t + db4) * t + db3) * t + db2) * t + db1) * t + b1
            sqrt_q = np.sqrt(q)
            f = n - sin_mask * sqrt_q
            f_prime = n1 - (0.5 * sin_mask) * q1 / sqrt_q
            tau, bracket = bracket.newton_step(tau, f, f_prime)
    return tau


def _horizon_crossing(intervals: Intervals, stations: StationFrame, bracket: Bracket, iterations: int) -> FloatArray:
    a0, a1, a2, a3 = SeenFromStation.of(intervals, stations, with_range=False).height
    da1, da2 = 2.0 * a2, 3.0 * a3
    tau = bracket.start(intervals.tau_guess)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(iterations):
            t = tau
            f = ((a3 * t + a2) * t + a1) * t + a0
            f_prime = (da2 * t + da1) * t + a1
            tau, bracket = bracket.newton_step(tau, f, f_prime)
    return tau
