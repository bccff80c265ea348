"""Pass finder: N satellites × M stations over a window, no pass missed, events to milliseconds.

Algorithm (all steps vectorised; Python loops only over satellite chunks and per-satellite C calls):

1. Sample every satellite on a grid tied to its orbit: ``period / 16``, shortened for eccentric
   orbits by the perigee angular-rate factor ``(1+e)²/(1−e²)^1.5``.  Satellites with similar steps
   share one ``SatrecArray`` call.  The window start and end are grid points.
2. At each sample compute, for every station, sin(elevation) and the sign of its rate (from the
   Earth-fixed velocity).  Elevation extrema are the sign changes of the rate: any peak, however
   short the pass, is bracketed by a grid interval.  Peaks whose samples are both below the mask
   are kept only if a rigorous bound — the geocentric angle to the station cannot shrink faster
   than the satellite's angular rate — allows them to reach the mask.
3. Extrema and mask crossings are first located on a cubic Hermite interpolant of the Earth-fixed
   position (exact positions and velocities at the grid points; ~0.1 km error), then polished by
   safeguarded Newton iterations on exact SGP4 states (bracketed, to < 1 ms).
4. Crossings pair up into passes; a pass above the mask at the window start/end is clamped and
   flagged.  The culmination is the highest polished maximum inside the pass (or the clamped end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .elements import ElementSet
from .frames import (
    EARTH_MU_KM3_S2,
    EARTH_RATE_RAD_S,
    SPEED_OF_LIGHT_KM_S,
    station_vectors,
    sunlit_ecef,
    teme_to_ecef,
    topocentric,
    validate_stations,
)
from .propagation import as_element_sets, propagate_pairs_ecef, propagate_teme
from .ut1 import ut1_table_coverage

SAMPLES_PER_ORBIT = 16
HERMITE_CROSSING_ITERATIONS = 3
HERMITE_EXTREMUM_ITERATIONS = 5
TIME_TOLERANCE_S = 1e-3
_STEP_GROUP_RATIO = 1.15
_CHUNK_SAMPLES = 1_500_000  # satellites × times × stations handled at once (memory bound)
_GEODETIC_MARGIN_RAD = math.radians(0.3)  # geodetic vs geocentric zenith differ by <= 0.19 deg
_HERMITE_MARGIN_DEG = 0.1  # Hermite elevation error is ~0.01 deg at 16 samples per orbit


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


def _hermite_polys(ra, va, rb, vb, h, pos, up):
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
    a = [_dot(cj, up) for cj in c]
    cc = {(i, j): _dot(c[i], c[j]) for i in range(4) for j in range(i, 4)}
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


def _solve_hermite(ra, va, rb, vb, h, pos, up, target, lo, hi, lo_positive, extremum, tau0, iterations=7):
    """Safeguarded Newton on the Hermite interpolant; tau in [lo, hi] (fractions of the interval).

    Root of sin(el) − target (as n − target·sqrt(q)), or (``extremum``) of d sin(el)/dt (as its
    numerator n'q − n q'/2, same sign since q > 0).  Returns tau and sin(el) there.
    """
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
            same = (f > 0) == lo_positive
            lo = np.where(same, tau, lo)
            hi = np.where(same, hi, tau)
            new = tau - f / fp
            converged = np.abs(new - tau) < 1e-7  # ~30 µs: keep it, do not bisect away from it
            tau = np.where(converged | ((new > lo) & (new < hi)), new, 0.5 * (lo + hi))
        t = tau
        n = ((a3 * t + a2) * t + a1) * t + a0
        q = (((((b6 * t + b5) * t + b4) * t + b3) * t + b2) * t + b1) * t + b0
        g = n / np.sqrt(q)
    return tau, g


def _polish(satrecs, sat, pos, up, target, t, lo, hi, lo_positive, extremum, low=None, max_iterations=40):
    """Safeguarded Newton on exact SGP4 states; returns time, sin(el), Earth-fixed r and v there.

    Each round evaluates SGP4 once per unconverged item.  An item is done when its Newton step is
    below 0.5 s (1 s for extrema) and its second-order error estimate is below 0.1 ms; the final step is
    applied without another evaluation (state extrapolated linearly, sin(el) by Taylor series).
    A peak flagged ``low`` only has to be decided against ``target``: it is done as soon as its
    Taylor-extrapolated maximum is clearly (0.06°) below it.
    """
    count = len(t)
    t = np.clip(t, lo, hi)
    lo, hi = lo.copy(), hi.copy()
    g_out = np.full(count, np.nan)
    r_out = np.full((count, 3), np.nan)
    v_out = np.full((count, 3), np.nan)
    active = np.arange(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(max_iterations):
            if active.size == 0:
                break
            ta = t[active]
            _, r, v = propagate_pairs_ecef(satrecs, sat[active], ta)
            acc = _accel_ecef(r, v)
            g, g1, g2 = _sin_el_derivs(r, v, acc, pos[active], up[active])
            f, fp = (g1, g2) if extremum else (g - target[active], g1)
            same = (f > 0) == lo_positive[active]
            la = np.where(same, ta, lo[active])
            ha = np.where(same, hi[active], ta)
            lo[active], hi[active] = la, ha
            step = -f / fp
            new = ta + step
            inside = (new > la) & (new < ha)
            if extremum:
                g_final = g + 0.5 * g1 * step  # g + g1*s + g2*s^2/2 with s = -g1/g2
                small = np.abs(step) < 1.0  # g2 is two-body (~1e-3 relative): time error < 1 ms
                if low is not None:
                    small |= low[active] & (g_final < target[active] - 1e-3) & (np.abs(step) < 30.0)
            else:
                # Newton's error after this step is ~|g2 / 2 g1| step²: accept below 0.1 ms.
                small = (np.abs(step) < 0.5) & (np.abs(0.5 * g2 / g1) * step * step < 1e-4)
                g_final = g + g1 * step
            tiny = np.abs(step) < TIME_TOLERANCE_S  # may be below the float resolution of t
            new = np.where(small | tiny | inside, new, 0.5 * (la + ha))
            done = small | tiny | (ha - la < TIME_TOLERANCE_S) | ~np.isfinite(f)
            accept = small | tiny
            dt = np.where(accept, step, 0.0)[:, None]
            g_out[active] = np.where(accept, g_final, g)
            r_out[active] = r + v * dt + 0.5 * acc * dt * dt
            v_out[active] = v + acc * dt
            t[active] = np.where(np.isfinite(f), np.where(done & ~accept, ta, new), np.nan)
            active = active[~done]
    return t, g_out, r_out, v_out


@dataclass
class _Events:
    """Raw search result: intervals where elevation exceeds the mask, with Earth-fixed states."""

    sat: list = field(default_factory=list)
    station: list = field(default_factory=list)
    rise_t: list = field(default_factory=list)
    set_t: list = field(default_factory=list)
    culm_t: list = field(default_factory=list)
    rise_r: list = field(default_factory=list)
    rise_v: list = field(default_factory=list)
    set_r: list = field(default_factory=list)
    set_v: list = field(default_factory=list)
    culm_r: list = field(default_factory=list)
    culm_v: list = field(default_factory=list)
    culm_g: list = field(default_factory=list)
    starts_before: list = field(default_factory=list)
    ends_after: list = field(default_factory=list)

    def concat(self) -> dict[str, np.ndarray]:
        out = {}
        for name, parts in vars(self).items():
            out[name] = np.concatenate(parts) if parts else np.empty((0, 3) if name.endswith(("_r", "_v")) else 0)
        out["sat"] = out["sat"].astype(np.int64)
        out["station"] = out["station"].astype(np.int64)
        out["starts_before"] = out["starts_before"].astype(bool)
        out["ends_after"] = out["ends_after"].astype(bool)
        return out


def search(satrecs, steps_s, stations: _Stations, mask_deg: np.ndarray, start: float, end: float):
    """Find every interval with elevation > mask for all satellite × station pairs.

    Returns (events dict sorted by satellite, station, rise; per-satellite first SGP4 error code and
    its time).
    """
    n_sat = len(satrecs)
    m = len(stations)
    events = _Events()
    err_code = np.zeros(n_sat, dtype=np.int32)
    err_time = np.full(n_sat, np.nan)
    order = np.argsort(steps_s, kind="stable")
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
        _search_chunk(satrecs, chunk, count_t, stations, mask_deg, start, end, events, err_code, err_time)
        i = j
    out = events.concat()
    sort = np.lexsort((out["rise_t"], out["station"], out["sat"]))
    return {k: v[sort] for k, v in out.items()}, err_code, err_time


def _search_chunk(satrecs, chunk, count_t, st: _Stations, mask_deg, start, end, events, err_code, err_time):
    times = np.linspace(start, end, count_t)
    h = times[1] - times[0]
    err, r_teme, v_teme = propagate_teme([satrecs[k] for k in chunk], times)
    bad = err != 0
    if bad.any():
        first = np.argmax(bad, axis=1)
        has = bad.any(axis=1)
        err_code[chunk[has]] = err[has, first[has]]
        err_time[chunk[has]] = times[first[has]]
    R, V = teme_to_ecef(r_teme, v_teme, times)  # n×T×3
    sin_mask = np.sin(np.radians(mask_deg))  # M

    # Grid quantities, n×T×M: sin(elevation) and the sign of its rate.
    r2 = _dot(R, R)
    rv = _dot(R, V)
    ru, rs = R @ st.up.T, R @ st.pos.T
    vu, vs = V @ st.up.T, V @ st.pos.T
    num = ru - _dot(st.up, st.pos)
    rho2 = rs * -2.0
    rho2 += r2[:, :, None]
    rho2 += _dot(st.pos, st.pos)
    rate = vu * rho2
    rate -= num * (rv[:, :, None] - vs)
    g = num / np.sqrt(rho2)
    if bad.any():
        g[bad] = -2.0
        rate[bad] = -1.0
    above = g > sin_mask
    rising = rate > 0.0
    s2 = _dot(st.pos, st.pos)

    a0, a1 = above[:, :-1], above[:, 1:]
    r0, r1 = rising[:, :-1], rising[:, 1:]
    pi_all, pk_all, pm_all = np.nonzero(r0 > r1)  # rate + → −: a peak inside the interval
    di, dk, dm = np.nonzero(r0 < r1)  # rate − → +: a dip
    keep_dip = above[di, dk, dm] & above[di, dk + 1, dm]
    di, dk, dm = di[keep_dip], dk[keep_dip], dm[keep_dip]
    peak_above = above[pi_all, pk_all, pm_all] | above[pi_all, pk_all + 1, pm_all]
    pi_, pk, pm = pi_all[peak_above], pk_all[peak_above], pm_all[peak_above]
    ii, kk, mm = pi_all[~peak_above], pk_all[~peak_above], pm_all[~peak_above]

    # Rigorous filter of peaks below the mask at both samples.
    if ii.size:
        rnorm = np.sqrt(r2)
        snorm = np.sqrt(s2)
        h2 = r2 * _dot(v_teme, v_teme) - _dot(r_teme, v_teme) ** 2  # |r × v|², TEME (inertial)
        w_in = np.sqrt(np.maximum(h2, 0.0)) / r2
        w_bound = np.nanmax(w_in, axis=1) * 1.05 + EARTH_RATE_RAD_S * 1.01
        r_bound = np.nanmax(rnorm, axis=1) * 1.01
        el_m = np.radians(mask_deg[mm]) - _GEODETIC_MARGIN_RAD
        psi_mask = np.arccos(np.clip(snorm[mm] / r_bound[ii] * np.cos(el_m), -1.0, 1.0)) - el_m
        psi_a = np.arccos(np.clip(rs[ii, kk, mm] / (rnorm[ii, kk] * snorm[mm]), -1.0, 1.0))
        psi_b = np.arccos(np.clip(rs[ii, kk + 1, mm] / (rnorm[ii, kk + 1] * snorm[mm]), -1.0, 1.0))
        keep = 0.5 * (psi_a + psi_b - w_bound[ii] * h) < psi_mask
        ii, kk, mm = ii[keep], kk[keep], mm[keep]
    n_low, n_in = ii.size, pi_.size
    ei = np.concatenate((ii, pi_, di))
    ek = np.concatenate((kk, pk, dk))
    em = np.concatenate((mm, pm, dm))
    is_max = np.arange(ei.size) < n_low + n_in
    is_low = np.arange(ei.size) < n_low

    # Extrema on the Hermite interpolant, then exact polish of those that matter.
    ones = np.ones(ei.size)
    tau, g_approx = _solve_hermite(
        R[ei, ek], V[ei, ek], R[ei, ek + 1], V[ei, ek + 1], h, st.pos[em], st.up[em],
        None, 0.0 * ones, ones, is_max, True, _linear_zero(rate[ei, ek, em], rate[ei, ek + 1, em]),
        iterations=HERMITE_EXTREMUM_ITERATIONS,
    )  # fmt: skip
    el_approx = np.degrees(np.arcsin(np.clip(g_approx, -1.0, 1.0)))
    idx = np.arange(ei.size)
    need = np.where(
        idx < n_low,
        el_approx > mask_deg[em] - _HERMITE_MARGIN_DEG,
        np.where(is_max, True, el_approx < mask_deg[em] + _HERMITE_MARGIN_DEG),
    )
    need &= np.isfinite(tau)
    ei, ek, em, tau, is_max, is_low = ei[need], ek[need], em[need], tau[need], is_max[need], is_low[need]
    gsat = chunk[ei]
    t_lo = times[ek]
    t_ext, g_ext, r_ext, v_ext = _polish(
        satrecs,
        gsat,
        st.pos[em],
        st.up[em],
        sin_mask[em],
        t_lo + tau * h,
        t_lo.copy(),
        t_lo + h,
        is_max,
        extremum=True,
        low=is_low,
    )
    tau_ext = np.clip((t_ext - t_lo) / h, 0.0, 1.0)
    ext_above = g_ext > sin_mask[em]
    split = np.where(is_max, is_low & ext_above, ~ext_above & np.isfinite(g_ext))

    # Mask crossings: grid sign changes plus pairs around split extrema.
    ci, ck, cm = np.nonzero(a0 != a1)
    si, sk, sm_, stau = ei[split], ek[split], em[split], tau_ext[split]
    s_max = is_max[split]
    c_i = np.concatenate((ci, si, si))
    c_k = np.concatenate((ck, sk, sk))
    c_m = np.concatenate((cm, sm_, sm_))
    lo = np.concatenate((np.zeros(ci.size), np.zeros(si.size), stau))
    hi = np.concatenate((np.ones(ci.size), stau, np.ones(si.size)))
    # lo_positive: elevation above the mask at the left end of the bracket.
    lo_pos = np.concatenate((above[ci, ck, cm], ~s_max, s_max))
    tau_c, _ = _solve_hermite(
        R[c_i, c_k], V[c_i, c_k], R[c_i, c_k + 1], V[c_i, c_k + 1], h, st.pos[c_m], st.up[c_m],
        sin_mask[c_m], lo.copy(), hi.copy(), lo_pos, False,
        np.concatenate((
            _linear_zero(g[ci, ck, cm] - sin_mask[cm], g[ci, ck + 1, cm] - sin_mask[cm]),
            0.5 * (lo + hi)[ci.size:],
        )),
        iterations=HERMITE_CROSSING_ITERATIONS,
    )  # fmt: skip
    t0 = times[c_k]
    t_c, _, r_c, v_c = _polish(
        satrecs, chunk[c_i], st.pos[c_m], st.up[c_m], sin_mask[c_m], t0 + tau_c * h,
        t0 + lo * h, t0 + hi * h, lo_pos, extremum=False,
    )  # fmt: skip
    c_up = ~lo_pos

    # Window boundaries.
    bi, bm = np.nonzero(above[:, 0, :])
    ni, nm = np.nonzero(above[:, -1, :])
    ev_sat = np.concatenate((chunk[c_i], chunk[bi], chunk[ni]))
    ev_station = np.concatenate((c_m, bm, nm))
    ev_t = np.concatenate((t_c, np.full(bi.size, start), np.full(ni.size, end)))
    ev_up = np.concatenate((c_up, np.ones(bi.size, bool), np.zeros(ni.size, bool)))
    ev_r = np.concatenate((r_c, R[bi, 0], R[ni, -1]))
    ev_v = np.concatenate((v_c, V[bi, 0], V[ni, -1]))
    ev_clamped = np.concatenate((np.zeros(c_i.size, bool), np.ones(bi.size + ni.size, bool)))
    ok = np.isfinite(ev_t)
    ev = [a[ok] for a in (ev_sat, ev_station, ev_t, ev_up, ev_r, ev_v, ev_clamped)]
    ev_sat, ev_station, ev_t, ev_up, ev_r, ev_v, ev_clamped = ev
    o = np.lexsort((ev_up, ev_t, ev_station, ev_sat))  # at equal times a set precedes a rise
    ev_sat, ev_station, ev_t, ev_up, ev_r, ev_v, ev_clamped = (a[o] for a in ev)
    pair = ev_sat * len(st) + ev_station
    is_pass = ev_up[:-1] & ~ev_up[1:] & (pair[:-1] == pair[1:])
    rise = np.flatnonzero(is_pass)
    fall = rise + 1
    if rise.size == 0:
        return

    # Culmination: highest polished maximum (or clamped boundary) inside each pass.
    span = end - start + 10.0
    rise_key = pair[rise] * span + (ev_t[rise] - start)
    set_key = pair[fall] * span + (ev_t[fall] - start)
    mx = is_max & ext_above & np.isfinite(t_ext)
    cand_pair = np.concatenate((chunk[ei[mx]] * len(st) + em[mx], chunk[bi] * len(st) + bm, chunk[ni] * len(st) + nm))
    cand_t = np.concatenate((t_ext[mx], np.full(bi.size, start), np.full(ni.size, end)))
    cand_g = np.concatenate((g_ext[mx], g[bi, 0, bm], g[ni, -1, nm]))
    cand_r = np.concatenate((r_ext[mx], R[bi, 0], R[ni, -1]))
    cand_v = np.concatenate((v_ext[mx], V[bi, 0], V[ni, -1]))
    cand_key = cand_pair * span + (cand_t - start)
    which = np.searchsorted(rise_key, cand_key, side="right") - 1
    inside = (which >= 0) & (cand_key <= set_key[np.maximum(which, 0)] + 1e-6)
    which, cand_g, cand_t = which[inside], cand_g[inside], cand_t[inside]
    cand_r, cand_v = cand_r[inside], cand_v[inside]
    best = np.lexsort((cand_g, which))
    last = np.r_[which[best][1:] != which[best][:-1], True]
    best = best[last]
    culm_t = ev_t[rise].copy()
    culm_r = ev_r[rise].copy()
    culm_v = ev_v[rise].copy()
    culm_t[which[best]] = cand_t[best]
    culm_r[which[best]] = cand_r[best]
    culm_v[which[best]] = cand_v[best]
    culm_g = np.full(rise.size, np.nan)
    culm_g[which[best]] = cand_g[best]
    culm_g = np.where(np.isnan(culm_g), sin_mask[ev_station[rise]], culm_g)

    events.sat.append(ev_sat[rise])
    events.station.append(ev_station[rise])
    events.rise_t.append(ev_t[rise])
    events.set_t.append(ev_t[fall])
    events.culm_t.append(culm_t)
    events.rise_r.append(ev_r[rise])
    events.rise_v.append(ev_v[rise])
    events.set_r.append(ev_r[fall])
    events.set_v.append(ev_v[fall])
    events.culm_r.append(culm_r)
    events.culm_v.append(culm_v)
    events.culm_g.append(culm_g)
    events.starts_before.append(ev_clamped[rise])
    events.ends_after.append(ev_clamped[fall])


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


def _pass_table(ev, sets, st: _Stations, err_code, err_time, start, end, carrier_hz) -> PassTable:
    order = np.argsort(ev["rise_t"], kind="stable")
    ev = {k: v[order] for k, v in ev.items()}
    m = ev["station"]
    pos, east, north, up = st.pos[m], st.east[m], st.north[m], st.up[m]
    az_r, _, _, rate_r = topocentric(ev["rise_r"], ev["rise_v"], pos, east, north, up)
    az_s, _, _, rate_s = topocentric(ev["set_r"], ev["set_v"], pos, east, north, up)
    _, _, range_c, _ = topocentric(ev["culm_r"], ev["culm_v"], pos, east, north, up)
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
        sunlit=sunlit_ecef(ev["culm_r"], ev["culm_t"]),
        doppler_rise_hz=doppler_r,
        doppler_set_hz=doppler_s,
        sat_error_code=err_code,
        sat_error_unix_s=err_time,
        ut1_extrapolated=not ut1_table_coverage(start, end),
        element_sets=sets,
        _stations=st,
    )
