"""The burn between two element sets: where the two SGP4 trajectories come closest.

An impulsive burn leaves the position unchanged and the velocity changed by Δv, so the trajectory of a set
before the burn and that of a set after it meet at the burn. Same-time distance |r₁(t) − r₀(t)| is smallest
there (before and after it the along-track drift of the changed period grows); that time is the maneuver time.
A plane change alone has no along-track drift: its trajectories meet at the two relative nodes of every
revolution, so its time is taken at the relative node nearest the middle of the gap. At that point the
velocity difference is taken against the *nearest point* of the other trajectory (not the same instant), so
an along-track offset between the two fits does not masquerade as Δv; the distance between those points is
the miss distance (``position_error_m``).

The sets used are the nearest good sets on either side, with their semi-major axis, inclination and RAAN set
to the robust levels of their side (``level_set``), so one noisy fit does not make the Δv vector.
Frames: TEME (SGP4's output frame) for the vector, and RTN at the burn (radial, along-track, cross-track).
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


def level_set(sat: Satrec, a_km: float, inc_rad: float, raan_rad: float) -> Satrec:
    """``sat`` with its semi-major axis, inclination and RAAN replaced (same epoch, shape, phase)."""
    out = Satrec()
    n_kozai = math.sqrt(398600.4418 / a_km**3) * 60.0
    epoch = sat.jdsatepoch + sat.jdsatepochF - _JD_1949
    out.sgp4init(WGS72, "i", sat.satnum, epoch, sat.bstar, sat.ndot, sat.nddot, sat.ecco, sat.argpo,
                 inc_rad, sat.mo, n_kozai, raan_rad % (2 * math.pi))
    return out


def _states(sats: list[Satrec], times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, r, v = propagate_teme(sats, times)
    return np.asarray(r), np.asarray(v)


def closest_approach(before: Satrec, after: Satrec, t_lo: float, t_hi: float, plane_change: bool) -> Approach:
    """The burn between ``before`` and ``after`` searched in [t_lo, t_hi] (unix s)."""
    if plane_change:
        period = 2 * math.pi / (before.no_kozai / 60.0)
        mid = 0.5 * (t_lo + t_hi)
        t_lo, t_hi = max(t_lo, mid - 0.5 * period), min(t_hi, mid + 0.5 * period)
    times = np.arange(t_lo, t_hi + STEP_S, STEP_S)
    r, _ = _states([before, after], times)
    d = np.linalg.norm(r[1] - r[0], axis=1)
    d[~np.isfinite(d)] = np.inf
    k = int(np.argmin(d))
    fine = np.arange(times[k] - STEP_S, times[k] + STEP_S, 0.5)
    r, _ = _states([before, after], fine)
    tc = float(fine[int(np.nanargmin(np.linalg.norm(r[1] - r[0], axis=1)))])
    # the nearest point of the before-trajectory to the after-trajectory's position at tc
    r1, v1 = _states([after], np.array([tc]))
    r1v, v1v = r1[0, 0], v1[0, 0]
    shift = 0.0
    for _ in range(4):
        r0, v0 = _states([before], np.array([tc + shift]))
        shift += float(np.dot(r1v - r0[0, 0], v0[0, 0]) / np.dot(v0[0, 0], v0[0, 0]))
    r0, v0 = _states([before], np.array([tc + shift]))
    r0v, v0v = r0[0, 0], v0[0, 0]
    dv = v1v - v0v
    radial = r0v / np.linalg.norm(r0v)
    normal = np.cross(r0v, v0v)
    normal /= np.linalg.norm(normal)
    along = np.cross(normal, radial)
    rtn = (float(dv @ radial), float(dv @ along), float(dv @ normal))
    return Approach(tc, float(np.linalg.norm(r1v - r0v)), (float(dv[0]), float(dv[1]), float(dv[2])), rtn)
