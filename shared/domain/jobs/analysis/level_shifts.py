"""Level shifts in a satellite's element-set history: the series, the outlier sets, the change points.

A burn is a lasting *level shift* of the mean elements; noise and single bad sets do not last. Per set:

* semi-major axis *a* (Kepler's third law on the mean motion), detrended by the drag rate measured on the
  history itself (robust median of Δa/Δt between consecutive sets);
* inclination *i*;
* RAAN, drift-corrected: the set's RAAN minus the SGP4 secular drift (the sets' ``nodedot``, a running median
  so a bad set's rate does not step the rest, integrated set to set) minus the history's residual drift, times
  sin *i* (a cross-track angle, like Δi).

Outlier sets are rejected first: a set far (``OUTLIER_Z`` noise units) from the levels of its neighbours
on either side when those agree; a lone set between two change points is judged after segmentation.
Then change points are found one at a time, strongest first: for each gap between consecutive sets, the
level of up to ``WINDOW`` good sets after minus that of up to ``WINDOW`` sets before (means, which unlike
medians peak at the true gap; for *a* and RAAN two levels with one local slope, so drag as it is around the
gap is modelled), in units of its standard error (from the set-to-set noise, or from how much levels differ
across the history's gaps when that is larger: real histories wander). Windows stop at change points
already found, so a small trim burn half a day after a large one keeps its own gap when a set lies between
them. A gap needs at least two sets on each side that reach the history's edge (one when the side is
bounded by another burn). A lone set between two change points is judged by its eccentricity vector too (an
along-track burn moves it by |Δa|/a): the level between two burns, a fit straddling one, or a bad set. The
in-plane steps of the final change points are sized by one joint piecewise fit (``piecewise_levels``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from groundlink_orbit import ElementSet

from shared.domain.jobs.analysis.piecewise_levels import joint_fit

MU_KM3_S2 = 398600.4418
WINDOW = 6  # sets either side of a gap used for a level
WINDOW_SPAN_S = 4 * 86400.0  # ... and no further than this from the gap
OUTLIER_Z = 7.0
Z_OBVIOUS = 25.0  # burns that bound the windows measuring the background wander
SERIES = ("a", "i", "raan")
JOINT = ("a",)  # series whose steps are sized by the joint piecewise fit (``piecewise_levels``)
FLOORS = {"a": 0.002, "i": 1.0e-5, "raan": 1.0e-5}  # km, rad, rad: below TLE quantisation
_MAD = 1.4826


def semi_major_axis_km(mean_motion_rev_per_day: float | Sequence[float] | np.ndarray) -> np.ndarray:
    n = np.asarray(mean_motion_rev_per_day, dtype=float) * 2 * math.pi / 86400.0
    return np.asarray((MU_KM3_S2 / n**2) ** (1.0 / 3.0))


@dataclass
class Series:
    """One satellite's history as detrended series (index = set)."""

    sets: list[ElementSet]
    t: np.ndarray  # unix s
    a: np.ndarray  # km (raw)
    x: dict[str, np.ndarray]  # detrended levels per series
    sigma: dict[str, float]  # set-to-set noise per series
    background: dict[str, float]  # per-set noise that level differences across gaps show (wander, drag changes)
    a_rate: float  # drag, km/s
    raan_rate: float  # residual RAAN drift, rad/s (cross-track units)
    raan_drift: np.ndarray  # SGP4 secular RAAN drift integrated from the first set, rad
    good: np.ndarray  # bool: not an outlier
    settling: np.ndarray  # bool: set aside as a fit part-way after a burn (``settling``)
    # the eccentricity vector per set and its noise (``_eccentricity_frame``), computed on first use and kept
    ecc_frame: tuple[np.ndarray, np.ndarray, float] | None = None


@dataclass(frozen=True)
class Gap:
    """A change point between good sets ``left[-1]`` and ``right[0]`` (indices into ``Series.sets``)."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    shift: dict[str, float]
    z: dict[str, float]
    spread: float  # worst within-window scatter of the levels, noise units
    edge: bool  # one side reaches the history's edge with fewer than WINDOW sets
    level_shift: dict[str, float]  # the shift again from robust (Huber) levels: what Δv is computed from
    levels: dict[str, tuple[float, float, float]]  # those levels (before, after) at t_gap and the slope per day
    t_gap: float  # unix s, the middle of the gap
    span: tuple[int, int] = (0, 0)  # first and last set (indices into ``Series.sets``) between its neighbours


def _robust_rate(t: np.ndarray, x: np.ndarray) -> float:
    dt = np.diff(t)
    ok = dt > 3600.0
    return float(np.median(np.diff(x)[ok] / dt[ok])) if ok.any() else 0.0


def _noise(x: np.ndarray, floor: float) -> float:
    d = np.diff(x)
    if len(d) < 2:
        return floor
    return max(float(np.median(np.abs(d - np.median(d))) * _MAD / math.sqrt(2)), floor)


NODEDOT_ROWS = 5  # the SGP4 node rate integrated is the running median over this many sets


def _running_median(x: np.ndarray, rows: int = NODEDOT_ROWS) -> np.ndarray:
    """The running median (windows shrinking at the ends). A bad set's node rate (its semi-major axis or
    inclination far off) would otherwise enter the integrated drift and step every later RAAN; a burn's step
    in the rate stays where it is."""
    h = rows // 2
    return np.array([np.median(x[max(0, k - h) : k + h + 1]) for k in range(len(x))], dtype=float)


def build_series(history: Sequence[ElementSet]) -> Series:
    """Sorted by epoch, duplicate epochs keep the first set; detrended; outliers flagged."""
    sets = sorted(history, key=lambda s: s.epoch_unix_s)
    sets = [s for k, s in enumerate(sets) if k == 0 or s.epoch_unix_s > sets[k - 1].epoch_unix_s]
    t = np.array([s.epoch_unix_s for s in sets], dtype=float)
    a = semi_major_axis_km([s.mean_motion_rev_per_day for s in sets])
    inc = np.radians([s.inclination_deg for s in sets])
    nodedot = _running_median(np.array([s.satrec().nodedot for s in sets], dtype=float) / 60.0)  # rad/s
    drift = np.concatenate(([0.0], np.cumsum(0.5 * (nodedot[1:] + nodedot[:-1]) * np.diff(t)))) if len(t) else t
    raan = np.radians([s.raan_deg for s in sets])
    raan_res = np.unwrap(raan - (raan[0] if len(raan) else 0.0) - drift) if len(t) else t
    cross = raan_res * np.sin(inc)
    good = np.ones(len(sets), dtype=bool)
    series = Series(sets, t, a, {}, {}, {}, 0.0, 0.0, drift, good, np.zeros(len(sets), dtype=bool))
    for _ in range(2):  # detrend on the good sets, flag outliers, detrend again
        idx = np.flatnonzero(series.good)
        a_rate = _robust_rate(t[idx], a[idx]) if len(idx) > 2 else 0.0
        x_rate = _robust_rate(t[idx], cross[idx]) if len(idx) > 2 else 0.0
        t0 = t[0] if len(t) else 0.0
        series.x = {"a": a - a_rate * (t - t0), "i": inc, "raan": cross - x_rate * (t - t0)}
        series.a_rate, series.raan_rate = a_rate, x_rate
        series.sigma = {k: _noise(v[idx], FLOORS[k]) if len(idx) > 2 else FLOORS[k] for k, v in series.x.items()}
        series.good = _not_outliers(series)
    series.background = {key: 0.0 for key in SERIES}
    return series


def _background(s: Series, cuts: Sequence[int] = ()) -> dict[str, float]:
    """A noise level (per set) from how much levels differ across the history's gaps: robust spread (MAD) of
    the level differences in standard-error units, windows bounded by the ``cuts`` (positions among the good
    sets) of the obvious burns. Real histories wander more than their set-to-set noise says (drag that changes
    with solar activity, fits that drift); this keeps a slow wander from reading as many small burns."""
    idx = np.flatnonzero(s.good)
    m = len(idx)
    normed: dict[str, list[float]] = {key: [] for key in SERIES}
    for p in range(m - 1):
        if p in cuts:
            continue
        lo = max([c + 1 for c in cuts if c < p], default=0)
        hi = min([c for c in cuts if c > p], default=m - 1)
        left, right = _window(idx, s.t, p, lo, p, -1), _window(idx, s.t, p, p + 1, hi, 1)
        if len(left) < 3 or len(right) < 3:
            continue
        for key in SERIES:
            shift, factor, _ = level_fit(s.t, s.x[key], idx[left], idx[right], key in SLOPED)
            normed[key].append(shift / factor)
    out = {key: 0.0 for key in SERIES}
    for key, values in normed.items():
        if len(values) >= 5:
            v = np.asarray(values)
            out[key] = float(np.median(np.abs(v - np.median(v))) * _MAD)
    return out


def _not_outliers(s: Series) -> np.ndarray:
    """Isolated spikes: a set far from the levels either side of it while those two levels agree (where they
    do not, a burn is near and the segmentation decides, see ``_lone_sets``)."""
    n = len(s.sets)
    good = np.ones(n, dtype=bool)
    sides = {key: [(s.x[key][max(0, k - 3) : k], s.x[key][k + 1 : k + 4]) for k in range(n)] for key in SERIES}
    for k in range(n):
        if any(len(lr[k][0]) and len(lr[k][1]) and abs(float(np.median(lr[k][1]) - np.median(lr[k][0])))
               > OUTLIER_Z * s.sigma[key] for key, lr in sides.items()):
            continue  # a level changes here: the segmentation decides
        off = []
        for key in SERIES:
            x, sig = s.x[key], s.sigma[key]
            levels = [float(np.median(v)) for v in sides[key][k] if len(v)]
            if not levels:
                continue
            dev = max(min(levels) - x[k], x[k] - max(levels), 0.0)
            if dev > OUTLIER_Z * sig * (1.0 if len(levels) == 2 else 1.5):
                off.append(key)
        before, after = sides["a"][k]
        good[k] = not off or (off == ["a"] and len(before) >= 2 and len(after) >= 2 and _level_between_burns(
            s, k, np.arange(k - len(before), k), np.arange(k + 1, k + 1 + len(after)),
            s.x["a"][k] - float(np.median(before)), float(np.median(after)) - s.x["a"][k]))
    return good


def _window(idx: np.ndarray, t: np.ndarray, pos: int, lo: int, hi: int, side: int) -> list[int]:
    """Up to WINDOW good-set positions (into ``idx``) on one side of the gap after ``pos``, within [lo, hi]."""
    out: list[int] = []
    j = pos if side < 0 else pos + 1
    t_gap = t[idx[pos]] if side < 0 else t[idx[pos + 1]]
    while lo <= j <= hi and len(out) < WINDOW and abs(t[idx[j]] - t_gap) <= WINDOW_SPAN_S:
        out.append(j)
        j += side
    return out if side > 0 else out[::-1]


def change_points(s: Series, keys: Sequence[str], z_min: float) -> list[Gap]:
    """The history's change points on the given series, in time order with their final levels. A single set
    between two change points that does not lie between the levels around them cannot be told from a bad set
    by the data: it is marked an outlier and the history segmented again (a set between two steps of the same
    sense, as in a burn sequence, keeps both)."""
    s.background = {key: 0.0 for key in SERIES}
    obvious = _segment(s, SERIES, Z_OBVIOUS)
    position = {int(v): p for p, v in enumerate(np.flatnonzero(s.good))}
    s.background = _background(s, [position[g.left[-1]] for g in obvious])
    # fits straddling a small burn: found on the in-plane steps of low significance, where they split a burn
    # into two steps neither of which may reach ``z_min`` on its own
    low = _segment(s, ("a",), Z_SPLIT)
    s.good[[g1.right[0] for g1, g2 in zip(low[:-1], low[1:], strict=True) if _straddling(s, g1, g2)]] = False
    gaps = _segment(s, keys, z_min)
    for _ in range(5):
        lone = _lone_sets(s, gaps) + _spikes_beside(s, gaps)
        if not lone:
            break
        s.good[lone] = False
        gaps = _segment(s, keys, z_min)
    return gaps


def refit(s: Series, kept: Sequence[Gap], extra: Sequence[int] = ()) -> list[Gap]:
    """The change points ``kept`` (of ``change_points``) measured again without the others: the windows of a
    burn reach over a rejected change point next to it (a fit straddling the burn, a noise step). ``extra``:
    more change points, each the gap after that set (an index into ``Series.sets``)."""
    idx = np.flatnonzero(s.good)
    position = {int(v): p for p, v in enumerate(idx)}
    lefts = {g.left[-1] for g in kept} | set(extra)
    return _final(s, idx, sorted(position[k] for k in lefts if k in position))


SPIKE_PAST = 0.5  # a set beside a change point this part of its step beyond both levels (and ``OUTLIER_Z`` noise
# units) is a bad set: a fit straddling the burn lies between the levels or a little past the new one


def _spikes_beside(s: Series, gaps: list[Gap]) -> list[int]:
    """The set either side of a change point that lies beyond both its levels, which the other sets give: a bad
    set beside a burn (``_not_outliers`` leaves a set alone where the levels around it differ), which would
    otherwise carry the change point to its own gap or swell the step."""
    out: list[int] = []
    for g in gaps:
        for k, li, ri in ((g.right[0], np.asarray(g.left), np.asarray(g.right[1:])),
                          (g.left[-1], np.asarray(g.left[:-1]), np.asarray(g.right))):
            if len(li) < 2 or len(ri) < 2:
                continue
            for key in SERIES:
                _, _, (before, after, slope) = level_fit(s.t, s.x[key], li, ri, key in SLOPED, s.sigma[key])
                at = slope * (s.t[k] - 0.5 * (s.t[li[-1]] + s.t[ri[0]])) / 86400.0
                low, high = min(before, after) + at, max(before, after) + at
                past = max(low - s.x[key][k], s.x[key][k] - high, 0.0)
                if past > max(OUTLIER_Z * max(s.sigma[key], s.background[key]), SPIKE_PAST * (high - low)):
                    out.append(int(k))
                    break
    return sorted(set(out))


def _lone_sets(s: Series, gaps: list[Gap]) -> list[int]:
    out: list[int] = []
    for g1, g2 in zip(gaps[:-1], gaps[1:], strict=True):
        if len(g1.right) != 1 or g1.right != g2.left:
            continue
        k = g1.right[0]
        if _straddling(s, g1, g2) or _all_in_one_gap(s, g1, g2):  # a set part-way (or past) a burn: not a level
            out.append(k)
            continue
        both = [key for key in SERIES if abs(g1.z[key]) >= OUTLIER_Z and abs(g2.z[key]) >= OUTLIER_Z]
        steps = [key for key in both if g1.shift[key] * g2.shift[key] > 0]
        for key in SERIES:
            # two steps the same way with this set between: a burn sequence in that series, not a bad set; the
            # set is still bad when another series steps into it and out again (a fit straddling a burn)
            if key in steps or (steps and key not in both):
                continue
            x, tol = s.x[key], OUTLIER_Z * s.sigma[key]
            outer = (float(np.mean(x[list(g1.left)])), float(np.mean(x[list(g2.right)])))
            if min(outer) - tol <= x[k] <= max(outer) + tol:
                continue
            if key == "a" and _level_between_burns(s, k, *_neighbours(s, k), g1.shift["a"], g2.shift["a"]):
                continue  # two burns, the second back part or all the way: its eccentricity vector moved too
            out.append(k)
            break
        else:
            if _off_the_plane_step(s, k, g1, g2):
                out.append(k)
    return out


PLANE_KEYS = ("i", "raan")


def _off_the_plane_step(s: Series, k: int, g1: Gap, g2: Gap) -> bool:
    """Set ``k``, alone between change points ``g1`` and ``g2``, lies more than ``OUTLIER_Z`` noise units across the
    plane's step from the level before ``g1`` to the level after ``g2`` (in (Δi, sin i·ΔΩ)): each of its elements
    may lie between the levels (a bad inclination that happens to sit at the old one beside a node already at the
    new one), but a fit part-way through one plane change lies on the way, and that step is one burn."""
    before = np.array([float(np.mean(s.x[key][list(g1.left)])) for key in PLANE_KEYS])
    after = np.array([float(np.mean(s.x[key][list(g2.right)])) for key in PLANE_KEYS])
    noise = np.array([max(s.sigma[key], s.background[key]) for key in PLANE_KEYS])
    step = (after - before) / noise
    size = float(np.linalg.norm(step))
    if size < OUTLIER_Z:
        return False  # no plane step to be off: the series' own tests decide
    off = (np.array([s.x[key][k] for key in PLANE_KEYS]) - before) / noise
    return abs(float(off[0] * step[1] - off[1] * step[0])) / size > OUTLIER_Z


ECC_GAIN = 2.0  # a lone set is a straddling fit when that explains the eccentricity steps this much better
ECC_FIT = 9.0  # ... and explains them at all (squared standard errors over the two steps; fits whose vector
# jumps more than any burn would, as the ISS's do, decide nothing)


ECC_RESCUE = 6.0  # a set off the levels either side is kept as the level between two burns when its eccentricity
# vector's steps fit two burns better than one by this much (squared standard errors; a bad set's vector stays put)


def _eccentricity_frame(s: Series) -> tuple[np.ndarray, np.ndarray, float]:
    """The eccentricity vector (e·cos ω, e·sin ω) per set and its set-to-set noise, in the frame where it is
    quieter: fixed (a frozen orbit's vector stays put) or turning with SGP4's perigee drift (a free one turns
    degrees a day)."""
    e = np.array([x.eccentricity for x in s.sets])
    w = np.radians([x.arg_perigee_deg for x in s.sets])
    rate = np.array([x.satrec().argpdot for x in s.sets]) / 60.0  # rad/s
    turned = np.concatenate(([0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(s.t))))
    idx = np.flatnonzero(s.good)
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for phase in (np.zeros_like(turned), turned):
        ex, ey = e * np.cos(w - phase), e * np.sin(w - phase)
        noise = max(_noise(ex[idx], 1e-7), _noise(ey[idx], 1e-7))
        if best is None or noise < best[2]:
            best = (ex, ey, noise)
    assert best is not None
    return best


def _straddling(s: Series, g1: Gap, g2: Gap) -> bool:
    """The one set between change points ``g1`` and ``g2``, two in-plane steps the same way, straddles a burn."""
    if len(g1.right) != 1 or g1.right != g2.left or g1.shift["a"] * g2.shift["a"] <= 0:
        return False
    return min(abs(g1.z["a"]), abs(g2.z["a"])) >= Z_SPLIT and _straddles(s, g1.right[0], g1, g2)


def _straddles(s: Series, k: int, before: Gap, after: Gap) -> bool:
    """Set ``k``, alone between two in-plane steps the same way, is a fit straddling the first burn (part-way in
    semi-major axis) rather than the level between two burns, when its eccentricity vector says so. An along-track
    burn moves the vector by |Δa|/a (Gauss's equations, near circular: |Δe| = 2|Δv_t|/v): two burns move it by
    about |Δa₁|/a and |Δa₂|/a at the two steps, one burn before a straddling fit by (|Δa₁| + |Δa₂|)/a at the first
    and not at all at the second. The straddle is taken when it explains the two steps of the vector better by
    ``ECC_GAIN`` (squared standard errors) and within ``ECC_FIT``."""
    chi2 = _e_hypotheses(s, k, np.asarray(before.left), np.asarray(after.right), before.shift["a"], after.shift["a"])
    return chi2["first"] <= ECC_FIT and chi2["two"] - chi2["first"] > ECC_GAIN


def _e_steps(s: Series, k: int, li: np.ndarray, ri: np.ndarray) -> tuple[list[float], list[float]]:
    """How far the eccentricity vector moved from the sets ``li`` to set ``k`` and from ``k`` to the sets ``ri``
    (levels sharing one slope), and the standard errors of the two steps."""
    if s.ecc_frame is None:
        s.ecc_frame = _eccentricity_frame(s)
    ex, ey, noise = s.ecc_frame
    moved, error = [], []
    for lo, hi in ((li, np.array([k])), (np.array([k]), ri)):
        fits = [level_fit(s.t, comp, lo, hi, True) for comp in (ex, ey)]
        moved.append(math.hypot(fits[0][0], fits[1][0]))
        error.append(noise * fits[0][1])
    return moved, error


SPLIT_BY_E = 6.0  # two burns with one set between are re-split by the eccentricity vector when it fits this much
# better (squared standard errors) than the split the set's semi-major axis says


def _split_by_eccentricity(s: Series, k: int, li: np.ndarray, ri: np.ndarray, da1: float,
                           da2: float) -> tuple[float, float] | None:
    """Two burns with only set ``k`` between them, measured as steps ``da1`` into it and ``da2`` out of it (km):
    when ``k`` is a fit straddling the first burn (part-way in *a*), the two steps are the wrong split of the net
    step, but the eccentricity vector of ``k`` is already after the first burn: it moved by |Δa₁|/a at the first
    step and |Δa₂|/a at the second. The split Δa₁ + Δa₂ = ``da1 + da2`` that fits the vector's steps best, when it
    fits them better than the measured split by ``SPLIT_BY_E`` and within ``ECC_FIT``; else None."""
    if len(li) < 2 or len(ri) < 2:
        return None
    moved, error = _e_steps(s, k, li, ri)
    a, net = float(s.a[k]), da1 + da2
    reach = 2.0 * (abs(da1) + abs(da2))
    grid = np.linspace(-reach, reach, 801)
    chi2 = np.asarray(_e_chi2(moved[0], np.abs(grid) / a, error[0])
                      + _e_chi2(moved[1], np.abs(net - grid) / a, error[1]))
    best = int(np.argmin(chi2))
    measured = _e_chi2(moved[0], abs(da1) / a, error[0]) + _e_chi2(moved[1], abs(da2) / a, error[1])
    if chi2[best] > ECC_FIT or measured - chi2[best] < SPLIT_BY_E:
        return None
    return float(grid[best]), float(net - grid[best])


def _all_in_one_gap(s: Series, g1: Gap, g2: Gap) -> bool:
    """The eccentricity vector of the one set between ``g1`` and ``g2`` puts the whole in-plane step in one of the
    two gaps (``_split_by_eccentricity``: the other part below ``Z_SPLIT`` noise units): the set is a fit
    straddling a burn, part-way or past it in semi-major axis, and no level."""
    split = _split_by_eccentricity(s, g1.right[0], np.asarray(g1.left), np.asarray(g2.right), g1.shift["a"],
                                   g2.shift["a"])
    noise = max(s.sigma["a"], s.background["a"])
    return split is not None and min(abs(split[0]), abs(split[1])) < Z_SPLIT * noise


def _e_hypotheses(s: Series, k: int, li: np.ndarray, ri: np.ndarray, da1: float, da2: float) -> dict[str, float]:
    """How well set ``k``'s eccentricity vector, against the sets ``li`` before and ``ri`` after it, fits each
    account of its semi-major axis (``da1`` above the level before, ``da2`` below the level after, km): ``two``
    burns with ``k`` the level between them (the vector steps by |Δa₁|/a, then by |Δa₂|/a), or one burn of the
    net step in the ``first`` gap (``k`` part-way in *a*, a fit straddling it, its vector already after) or the
    ``second`` (``k`` a bad set or a fit part-way the other way, its vector still before) — squared standard
    errors over the two steps of the vector."""
    moved, error = _e_steps(s, k, li, ri)
    m1, m2 = abs(da1) / float(s.a[k]), abs(da2) / float(s.a[k])
    net = abs(da1 + da2) / float(s.a[k])
    return {"two": float(_e_chi2(moved[0], m1, error[0]) + _e_chi2(moved[1], m2, error[1])),
            "first": float(_e_chi2(moved[0], net, error[0]) + _e_chi2(moved[1], 0.0, error[1])),
            "second": float(_e_chi2(moved[0], 0.0, error[0]) + _e_chi2(moved[1], net, error[1]))}


E_RADIAL = 0.02  # a burn's radial part (up to 10 degrees off along-track) moves the vector up to this much more


def _e_chi2(moved: float, expected: float | np.ndarray, error: float) -> float | np.ndarray:
    """Squared standard errors between an eccentricity step and the |Δa|/a a tangential burn would make: the
    measurement's error and ``E_RADIAL`` of the step (a radial part adds to it)."""
    return (moved - expected) ** 2 / (error**2 + (E_RADIAL * expected) ** 2)


def _neighbours(s: Series, k: int, count: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The nearest ``count`` good sets either side of set ``k`` (across any change point: a lone set's neighbour
    may itself be a lone fit straddling the next burn, whose eccentricity vector is already after it)."""
    good = np.flatnonzero(s.good)
    return good[good < k][-count:], good[good > k][:count]


def _level_between_burns(s: Series, k: int, li: np.ndarray, ri: np.ndarray, da1: float, da2: float) -> bool:
    """Set ``k``, off the levels either side in semi-major axis, is the level between two burns (not a bad set
    or a straddling fit) when its eccentricity vector moved with it: two burns explain the vector's steps better
    than one burn in either gap by ``ECC_RESCUE`` and within ``ECC_FIT``."""
    if len(li) < 2 or len(ri) < 2:
        return False
    chi2 = _e_hypotheses(s, k, li, ri, da1, da2)
    return chi2["two"] <= ECC_FIT and min(chi2["first"], chi2["second"]) - chi2["two"] > ECC_RESCUE


def _score(gap: Gap, keys: Sequence[str]) -> float:
    """A gap's significance on ``keys``: the largest of the in-plane shift's and the plane's, the plane's from both
    its components (a plane change splits between the inclination and the node by where in the orbit it was made)."""
    plane = [k for k in PLANE_KEYS if k in keys]
    return max([abs(gap.z[k]) for k in keys if k not in plane] + [math.hypot(*(gap.z[k] for k in plane))])


def _segment(s: Series, keys: Sequence[str], z_min: float) -> list[Gap]:
    """Change points found strongest first, each at least ``z_min``."""
    idx = np.flatnonzero(s.good)
    m = len(idx)
    cuts: list[int] = []  # positions p: change between idx[p] and idx[p + 1]
    while True:
        best: tuple[float, Gap, int] | None = None
        for p in range(m - 1):
            if p in cuts:
                continue
            lo = max([c + 1 for c in cuts if c < p], default=0)
            hi = min([c for c in cuts if c > p], default=m - 1)
            left = _window(idx, s.t, p, lo, p, -1)
            right = _window(idx, s.t, p, p + 1, hi, 1)
            need_l = 1 if lo > 0 else 2
            need_r = 1 if hi < m - 1 else 2
            if len(left) < need_l or len(right) < need_r:
                continue
            gap = _gap(s, idx, left, right, edge=(lo == 0 and left[0] == 0 and len(left) < WINDOW)
                       or (hi == m - 1 and right[-1] == m - 1 and len(right) < WINDOW))
            score = _score(gap, keys)
            if score >= z_min and (best is None or score > best[0]):
                best = (score, gap, p)
        if best is None:
            return _final(s, idx, _localised(s, idx, sorted(cuts), keys))
        cuts.append(best[2])


GROUPS = (("a",), ("i", "raan"))  # in-plane, plane
Z_SPLIT = 3.0  # both groups at least this significant at one change point: each is placed on its own
SPLIT_REACH = 2  # ... at most this many sets from it
SPLIT_GAIN = 4.0  # ... when that lowers its squared residuals (noise units) by at least this


def _step_rss(s: Series, idx: np.ndarray, rows: list[int], q: int, group: Sequence[str]) -> float:
    """Residuals (noise units, squared, summed over ``group``) of one step after position ``q`` over the good
    sets at positions ``rows``, each series with its two levels (sharing a slope where sloped)."""
    t = s.t[idx[rows]]
    total = 0.0
    for key in group:
        before = np.array([r <= q for r in rows], dtype=float)
        columns = [before, 1.0 - before] + ([(t - t.mean()) / 86400.0] if key in SLOPED and len(rows) >= 4 else [])
        design = np.stack(columns, axis=1)
        y = s.x[key][idx[rows]]
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        total += float(np.sum(((y - design @ coef) / max(s.sigma[key], s.background[key])) ** 2))
    return total


def _localised(s: Series, idx: np.ndarray, cuts: list[int], keys: Sequence[str]) -> list[int]:
    """Change points where an in-plane and a plane step are both significant, each step placed where it fits
    best (least squares over the change point's windows, at most ``SPLIT_REACH`` sets away): two burns a few
    hours apart with a set between them — a trim after a plane change — are two change points, not one burn
    of both kinds (the cut found strongest first sits where the larger step is; the smaller one's own gap may
    have had too few sets on one side to reach the threshold on its own). A step is moved only when that
    explains it: the change point no longer shows it with the new one beside it."""
    out = list(cuts)
    m = len(idx)
    for k, p in enumerate(cuts):
        lo = cuts[k - 1] + 1 if k > 0 else 0
        hi = cuts[k + 1] if k + 1 < len(cuts) else m - 1
        left, right = _window(idx, s.t, p, lo, p, -1), _window(idx, s.t, p, p + 1, hi, 1)
        if len(left) < 2 or len(right) < 2:
            continue
        gap = _gap(s, idx, left, right, edge=False)
        groups = [g for g in GROUPS if set(g) & set(keys)]
        if len(groups) < 2 or any(max(abs(gap.z[key]) for key in g) < Z_SPLIT for g in groups):
            continue
        rows = left + right
        for group in groups:
            # the new step needs two sets of its own beyond it before the neighbouring change point
            places = [q for q in range(max(left[0], p - SPLIT_REACH), min(right[-1] - 1, p + SPLIT_REACH) + 1)
                      if q == p or (q - lo + 1 >= 2 if q < p else hi - q >= 2)]
            rss = {q: _step_rss(s, idx, rows, q, group) for q in places}
            best = min(rss, key=rss.__getitem__)
            if best == p or best in out or rss[p] - rss[best] < SPLIT_GAIN:
                continue
            # kept only when it explains the step: with it, this change point no longer shows the group's step
            kept_left = _window(idx, s.t, p, best + 1, p, -1) if best < p else left
            kept_right = _window(idx, s.t, p, p + 1, best, 1) if best > p else right
            rest = _gap(s, idx, kept_left, kept_right, edge=False)
            if max(abs(rest.z[key]) for key in group) < Z_SPLIT:
                out.append(best)
    return sorted(out)


def _final(s: Series, idx: np.ndarray, cuts: list[int]) -> list[Gap]:
    """Each change point's levels again, over windows bounded by all the others (a burn found early had
    windows that may have reached over a neighbour found later). A lone set between two change points whose
    eccentricity vector puts the whole step in one gap (``_all_in_one_gap``, with the final levels) is a fit
    straddling the burn: it is set aside and the two change points are one."""
    for _ in range(3):
        gaps, lone = _final_levels(s, idx, cuts)
        if not lone:
            return gaps
        s.good[lone] = False
        idx = np.flatnonzero(s.good)
        position = {int(v): p for p, v in enumerate(idx)}
        cuts = sorted(position[g.left[-1]] for g in gaps if g.left[-1] not in lone)
    return gaps


def _final_levels(s: Series, idx: np.ndarray, cuts: list[int]) -> tuple[list[Gap], list[int]]:
    """The change points' levels, and the lone sets between two of them that straddle a burn."""
    m = len(idx)
    straddling: list[int] = []
    out: list[Gap] = []
    joint = {key: joint_fit(s.t, s.x[key], idx, cuts, s.sigma[key]) for key in JOINT} if cuts else {}
    for k, p in enumerate(cuts):
        lo = cuts[k - 1] + 1 if k > 0 else 0
        hi = cuts[k + 1] if k + 1 < len(cuts) else m - 1
        left = _window(idx, s.t, p, lo, p, -1)
        right = _window(idx, s.t, p, p + 1, hi, 1)
        out.append(_gap(s, idx, left, right, edge=(lo == 0 and left[0] == 0 and len(left) < WINDOW)
                        or (hi == m - 1 and right[-1] == m - 1 and len(right) < WINDOW), robust=True,
                        span=(int(idx[lo]), int(idx[hi]))))
        for key, fit in joint.items():  # the size of the step from the joint fit over the whole history
            if fit is None:
                continue
            out[-1].levels[key] = fit.step(k, out[-1].t_gap)
            out[-1].level_shift[key] = out[-1].levels[key][1] - out[-1].levels[key][0]
    for g1, g2 in zip(out[:-1], out[1:], strict=True):  # one set between two burns: is it part-way?
        if len(g1.right) != 1 or g1.right != g2.left:
            continue
        split = _split_by_eccentricity(s, g1.right[0], np.asarray(g1.left), np.asarray(g2.right),
                                       g1.level_shift["a"], g2.level_shift["a"])
        if split is not None and min(abs(split[0]), abs(split[1])) < Z_SPLIT * max(s.sigma["a"], s.background["a"]):
            straddling.append(g1.right[0])
        elif split is not None:
            before, after = g1.levels["a"][0], g2.levels["a"][1]
            g1.levels["a"] = (before, before + split[0], g1.levels["a"][2])
            g2.levels["a"] = (after - split[1], after, g2.levels["a"][2])
            g1.level_shift["a"], g2.level_shift["a"] = split
    return out, straddling


SLOPED = ("a", "raan")  # series whose drift is fitted locally, one slope across the gap


HUBER_C = 2.0  # residuals beyond this many noise units weigh less (a fit straddling a burn, a heavy-tailed set)


def level_fit(t: np.ndarray, x: np.ndarray, li: np.ndarray, ri: np.ndarray, sloped: bool,
           scale: float | None = None) -> tuple[float, float, tuple[float, float, float]]:
    """Level after minus level before at the gap, and its standard error per unit noise. For a sloped
    series the two levels share one local slope (drag as it is around the gap, not the history's average).
    With ``scale`` the levels are Huber estimates (iteratively reweighted, residual scale ``scale``): a set
    part-way between the levels, as a fit straddling the burn is, moves them little. Also the levels before
    and after at the middle of the gap and the slope per day."""
    nl, nr = len(li), len(ri)
    rows = np.concatenate([li, ri])
    design = np.zeros((nl + nr, 3 if sloped and nl + nr >= 4 else 2))
    design[:nl, 0] = 1.0
    design[nl:, 1] = 1.0
    if design.shape[1] == 3:
        design[:, 2] = (t[rows] - 0.5 * (t[li[-1]] + t[ri[0]])) / 86400.0
    y = x[rows]
    w = np.ones(len(rows))
    for _ in range(8 if scale else 1):
        sw = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
        r = np.abs(y - design @ coef) / max(scale or 1.0, 1e-15)
        w_new = np.minimum(1.0, HUBER_C / np.maximum(r, 1e-12))
        if np.allclose(w_new, w, atol=1e-4):
            break
        w = w_new
    cov = np.linalg.pinv(design.T @ design)
    slope = float(coef[2]) if design.shape[1] == 3 else 0.0
    return (float(coef[1] - coef[0]), math.sqrt(max(float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]), 1e-12)),
            (float(coef[0]), float(coef[1]), slope))


def _gap(s: Series, idx: np.ndarray, left: list[int], right: list[int], edge: bool, robust: bool = False,
         span: tuple[int, int] = (0, 0)) -> Gap:
    """The shift at one gap: its significance from the windows' least-squares levels and, when ``robust``,
    its size (``level_shift``) from Huber levels as well."""
    li, ri = idx[left], idx[right]
    shift: dict[str, float] = {}
    level_shift: dict[str, float] = {}
    levels: dict[str, tuple[float, float, float]] = {}
    z: dict[str, float] = {}
    spread = 0.0
    for key in SERIES:
        x, sig = s.x[key], s.sigma[key]
        ml, mr = float(np.mean(x[li])), float(np.mean(x[ri]))
        noise = max(sig, s.background[key])
        shift[key], spread_n, levels[key] = level_fit(s.t, x, li, ri, key in SLOPED)
        if robust:
            _, _, levels[key] = level_fit(s.t, x, li, ri, key in SLOPED, sig)
        level_shift[key] = levels[key][1] - levels[key][0]
        z[key] = shift[key] / (spread_n * noise)
        for side, med in ((x[li], ml), (x[ri], mr)):
            if len(side) > 1:
                spread = max(spread, float(np.median(np.abs(side - med))) * _MAD / sig)
    return Gap(tuple(int(v) for v in li), tuple(int(v) for v in ri), shift, z, spread, edge, level_shift, levels,
               0.5 * float(s.t[li[-1]] + s.t[ri[0]]), span)
