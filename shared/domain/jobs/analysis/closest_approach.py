"""The burn between two element sets: where the two SGP4 trajectories come closest.

An impulsive burn leaves the position unchanged and the velocity changed by Δv, so the trajectory of a set
before the burn and that of a set after it meet at the burn. Same-time distance |r₁(t) − r₀(t)| is smallest
there (before and after it the along-track drift of the changed period grows): that picks the revolution.
Within it, each point of the after-trajectory is compared with the *nearest point* of the before-trajectory
(not the same instant), so an along-track offset between the two fits does not masquerade as Δv. An in-plane
burn leaves the two orbits tangent at the burn point: the maneuver time is where their radial separation is
extreme and nearest zero (``_tangency``; with levels a few metres off the orbits would otherwise cross at a
shallow angle either side of the burn, and the velocity difference there gain a spurious radial part). That
separation is the miss distance (``position_error_m``), the velocity difference there the Δv vector. A plane
change alone has no along-track drift: its trajectories meet at the two relative nodes of every revolution, so
the node nearest the middle of the gap is taken (nothing in element sets tells which revolution).

The two orbits are built by ``post_burn_orbit.burn_orbits`` (each side's robust levels at the burn, the
after-orbit's eccentricity vector the impulsive-burn model's), so one noisy fit does not make the Δv vector.
Frames: TEME (SGP4's output frame) for the vector, and RTN at the burn (radial, along-track,
cross-track).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from groundlink_orbit.propagation import propagate_teme
from sgp4.api import WGS72, Satrec

_JD_UNIX0 = 2440587.5
_JD_1949 = 2433281.5
STEP_S = 20.0


@dataclass(frozen=True)
class Approach:
    t_unix: float
    miss_km: float
    dv_teme_kmps: tuple[float, float, float]
    dv_rtn_kmps: tuple[float, float, float]


def level_set(sat: Satrec, a_km: float, inc_rad: float, raan_rad: float,
              e_vector: tuple[float, float] | None = None) -> Satrec:
    """``sat`` with its semi-major axis, inclination and RAAN replaced (same epoch and argument of latitude),
    and its eccentricity vector (e·cos ω, e·sin ω) when given."""
    out = Satrec()
    n_kozai = math.sqrt(398600.4418 / a_km**3) * 60.0
    epoch = sat.jdsatepoch + sat.jdsatepochF - _JD_1949
    ecc, argp = sat.ecco, sat.argpo
    if e_vector is not None:
        ecc, argp = max(math.hypot(*e_vector), 1e-7), math.atan2(e_vector[1], e_vector[0]) % (2 * math.pi)
    mo = (sat.mo + sat.argpo - argp) % (2 * math.pi)  # the same argument of latitude
    out.sgp4init(WGS72, "i", sat.satnum, epoch, sat.bstar, sat.ndot, sat.nddot, ecc, argp,
                 inc_rad, mo, n_kozai, raan_rad % (2 * math.pi))
    return out


def _states(sats: list[Satrec], times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, r, v = propagate_teme(sats, times)
    return np.asarray(r), np.asarray(v)


def _nearest_on_before(before: Satrec, after: Satrec, times: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each time: the after-state, and the before-trajectory's nearest point to it (time shift found by
    Newton steps along the before-trajectory's velocity)."""
    r1, v1 = _states([after], times)
    r1, v1 = r1[0], v1[0]
    shift = np.zeros(len(times))
    for _ in range(3):
        r0, v0 = _states([before], times + shift)
        r0, v0 = r0[0], v0[0]
        shift += np.einsum("ij,ij->i", r1 - r0, v0) / np.einsum("ij,ij->i", v0, v0)
    r0, v0 = _states([before], times + shift)
    return r1, v1, r0[0], v0[0]


def _tangency(r1: np.ndarray, r0: np.ndarray, times: np.ndarray, t_mid: float, period: float) -> float:
    """Where two coplanar trajectories touch: the radial separation over one revolution, fitted as
    c0 + c1·cos θ + c2·sin θ, has its extremes half a revolution apart; the one nearer zero is the burn point
    (an along-track burn leaves the orbits tangent there; a level a few metres off would otherwise make them
    cross at an angle either side of it, and the velocity difference there would gain a spurious radial part)."""
    unit = r0 / np.linalg.norm(r0, axis=1)[:, None]
    dr = np.einsum("ij,ij->i", r1 - r0, unit)
    ok = np.isfinite(dr)
    theta = 2 * math.pi * (times - t_mid) / period
    design = np.stack([np.ones_like(theta), np.cos(theta), np.sin(theta)], axis=1)
    (c0, c1, c2), *_ = np.linalg.lstsq(design[ok], dr[ok], rcond=None)
    amp, phase = math.hypot(c1, c2), math.atan2(c2, c1)  # maximum c0 + amp at theta = phase
    if abs(c0 - amp) < abs(c0 + amp):
        phase += math.pi
    phase = (phase + math.pi) % (2 * math.pi) - math.pi
    return t_mid + phase * period / (2 * math.pi)


def closest_approach(before: Satrec, after: Satrec, t_lo: float, t_hi: float, plane_change: bool,
                     within: tuple[float, float] | None = None) -> Approach:
    """The burn between ``before`` and ``after`` searched in [t_lo, t_hi] (unix s): the revolution where the
    same-time distance is smallest (an in-plane burn's along-track drift is zero there), then, within half a
    revolution of it, the point where the trajectories touch (in-plane: where the radial separation is
    extreme and nearest zero, see ``_tangency``; its size is the miss distance) — for a plane change,
    whose trajectories meet twice every revolution, the revolution nearest the middle of the gap (of the part
    of the gap inside ``within``, the analysed window, when given: the burn is as likely anywhere in the gap)."""
    period = 2 * math.pi / (before.no_kozai / 60.0)
    if plane_change:
        lo, hi = (max(t_lo, within[0]), min(t_hi, within[1])) if within else (t_lo, t_hi)
        t_mid = 0.5 * (lo + hi) if lo < hi else 0.5 * (t_lo + t_hi)
    else:
        times = np.arange(t_lo, t_hi + STEP_S, STEP_S)
        r, _ = _states([before, after], times)
        d = np.linalg.norm(r[1] - r[0], axis=1)
        d[~np.isfinite(d)] = np.inf
        t_mid = float(times[int(np.argmin(d))])
    times = np.arange(t_mid - 0.5 * period, t_mid + 0.5 * period, STEP_S)
    r1, _, r0, _ = _nearest_on_before(before, after, times)
    if plane_change:
        g = np.linalg.norm(r1 - r0, axis=1)
        g[~np.isfinite(g)] = np.inf
        k = int(np.argmin(g))
        fine = np.arange(times[k] - STEP_S, times[k] + STEP_S, 0.5)
        r1, v1, r0, v0 = _nearest_on_before(before, after, fine)
        j = int(np.nanargmin(np.linalg.norm(r1 - r0, axis=1)))
        tc = float(fine[j])
    else:
        tc = _tangency(r1, r0, times, t_mid, period)
    # the same point of the orbit a whole revolution earlier or later when it falls outside the gap
    tc -= math.ceil((tc - t_hi) / period) * period if tc > t_hi else 0.0
    tc += math.ceil((t_lo - tc) / period) * period if tc < t_lo else 0.0
    tc = min(max(tc, t_lo), t_hi)  # a gap shorter than a revolution
    r1, v1, r0, v0 = _nearest_on_before(before, after, np.array([tc]))
    j = 0
    r1v, r0v, v0v = r1[j], r0[j], v0[j]
    dv = v1[j] - v0v
    radial = r0v / np.linalg.norm(r0v)
    normal = np.cross(r0v, v0v)
    normal /= np.linalg.norm(normal)
    along = np.cross(normal, radial)
    rtn = (float(dv @ radial), float(dv @ along), float(dv @ normal))
    return Approach(tc, float(np.linalg.norm(r1v - r0v)), (float(dv[0]), float(dv[1]), float(dv[2])), rtn)
