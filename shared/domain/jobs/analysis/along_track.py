"""The along-track phase of an element-set history, and the bends an in-plane burn leaves in it.

Where a satellite is along its orbit is the mean argument of latitude *u = M + ω* at each set's epoch,
unwrapped from set to set with the sets' own rates (SGP4's ``mdot + argpdot``). An in-plane burn changes the
mean motion by −1.5·n·Δa/a, so *u* bends at the burn: it stays continuous and its slope changes, about 50 km a
day per 0.2 m/s in low orbit, against the sets' along-track scatter of a kilometre or so. That shows burns the
semi-major axis leaves in its noise (a fitted mean motion wanders by tens of metres; a position a day on
carries the whole day's drift). Drag bends *u* too, but smoothly: each gap's test fits one curvature shared by
both sides (and a cubic, in a history where drag changes enough across a window that one lowers the scatter) and
one line per side, and the bend is the difference of the two slopes at the gap, in units of its standard error (or
of the history's own spread of bends, when wider); bends found are measured again each without the others' sets,
and again with each one set of their windows left out (a bend must hold, at 3/4 of the z needed, without any one:
a few bad fits whose mean anomaly alone is wrong, which the level series do not see, bend a window's line).
A plane change leaves no bend (its J2 effect on the rate is a few metres a day per m/s).

The sets' along-track noise is measured on the history itself (the residuals of every gap's fit, robustly), and
each fit weighs down heavy-tailed sets (Huber) and drops a set far off (a bad fit), so a history whose phases
scatter widely shows no bend at all.

The same continuity tells a level between two burns from a fit straddling the first (``level_between``): the
orbit between two burns meets the orbit after the second in the second gap, after the set; a fit whose span held
the first burn has a rate part-way and a position fitted to what followed, and meets it before its own epoch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from shared.domain.jobs.analysis.level_shifts import MU_KM3_S2, Series

DAY_S = 86400.0
WINDOW = 6  # sets either side of a gap
WINDOW_SPAN_S = 4 * DAY_S  # ... and no further than this from it
MIN_SIDE = 3  # sets needed on each side (a line and the shared curvature leave two degrees of freedom at least)
HUBER_C = 2.0
REJECT = 8.0  # a set this many noise units off the fit is a bad set (a cross-tagged or failed fit): no weight
_MAD = 1.4826
CUBIC_ROWS = 9  # a cubic term needs windows of this many sets
CUBIC_GAIN = 0.8  # ... and is shared by every window of a history whose scatter it lowers to this part or less
CROSS_MARGIN, CROSS_MARGIN_S = 0.25, 2 * 3600.0  # where the two sides' lines may meet beyond the gap


@dataclass(frozen=True)
class Bend:
    """A bend in the phase at the gap after good-set position ``position`` (into ``np.flatnonzero(s.good)``)."""

    position: int
    z: float  # slope after minus slope before, in standard errors (negative: a raising burn, the satellite slows)
    da_km: float  # the semi-major-axis step that slope change means (−Δṡ / (1.5·n))
    t_cross: float  # unix s: where the two sides' lines meet (the burn's time, if a burn made the bend)


def phase_km(s: Series) -> np.ndarray:
    """Each set's mean argument of latitude, unwrapped over the history, as an arc length (km, at the history's
    median semi-major axis)."""
    u = np.radians([x.mean_anomaly_deg + x.arg_perigee_deg for x in s.sets])
    rate = np.array([(x.satrec().mdot + x.satrec().argpdot) / 60.0 for x in s.sets])  # rad/s
    out = np.empty(len(u))
    if not len(u):
        return out
    out[0] = u[0]
    for k in range(1, len(u)):
        predicted = out[k - 1] + 0.5 * (rate[k] + rate[k - 1]) * (s.t[k] - s.t[k - 1])
        out[k] = predicted + (u[k] - predicted + math.pi) % (2 * math.pi) - math.pi
    return out * float(np.median(s.a))


def _sides(t: np.ndarray, idx: np.ndarray, p: int, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """Up to ``WINDOW`` good-set positions either side of the gap after ``p``, within [lo, hi] and the span."""
    t_gap = 0.5 * (t[idx[p]] + t[idx[p + 1]])
    left = [j for j in range(p, lo - 1, -1) if t_gap - t[idx[j]] <= WINDOW_SPAN_S][:WINDOW]
    right = [j for j in range(p + 1, hi + 1) if t[idx[j]] - t_gap <= WINDOW_SPAN_S][:WINDOW]
    return left[::-1], right


def _fit(t: np.ndarray, y: np.ndarray, n_left: int, t_gap: float, scale: float | None, cubic: bool = False
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two lines and one shared curvature (days from the gap); Huber weighted, far-off sets dropped, when
    ``scale`` is known. Returns the coefficients, their covariance per unit noise, the residuals, the leverages
    and the weights."""
    tau = (t - t_gap) / DAY_S
    after = (np.arange(len(t)) >= n_left).astype(float)
    x = np.column_stack([1 - after, after, tau * (1 - after), tau * after, tau**2]
                        + ([tau**3] if cubic and len(t) >= CUBIC_ROWS else []))
    w = np.ones(len(t))
    for _ in range(4 if scale else 1):
        xw = x * w[:, None]
        cov = np.linalg.pinv(x.T @ xw)
        coef = cov @ (xw.T @ y)
        res = y - x @ coef
        if scale:
            r = np.abs(res) / scale
            w = np.where(r <= HUBER_C, 1.0, np.where(r <= REJECT, HUBER_C / np.maximum(r, 1e-12), 0.0))
    leverage = np.einsum("ij,jk,ik->i", x * w[:, None], cov, x)
    return coef, cov, res, leverage, w


def _gaps(m: int, cuts: Sequence[int]) -> list[tuple[int, int, int]]:
    """(gap position, lowest and highest position its windows may reach) for each gap that is not a cut."""
    out = []
    for p in range(m - 1):
        if p in cuts:
            continue
        lo = max([c + 1 for c in cuts if c < p], default=0)
        hi = min([c for c in cuts if c > p], default=m - 1)
        out.append((p, lo, hi))
    return out


def noise_km(s: Series, phase: np.ndarray, idx: np.ndarray, cuts: Sequence[int] = (), cubic: bool = False) -> float:
    """The sets' along-track scatter: the robust spread of every gap's fit residuals (leverage-corrected), the
    windows bounded by the ``cuts`` (good-set positions of known burns)."""
    normed: list[np.ndarray] = []
    for p, lo, hi in _gaps(len(idx), cuts):
        left, right = _sides(s.t, idx, p, lo, hi)
        if len(left) < MIN_SIDE or len(right) < MIN_SIDE:
            continue
        rows = idx[left + right]
        _, _, res, leverage, _ = _fit(s.t[rows], phase[rows], len(left), 0.5 * (s.t[idx[p]] + s.t[idx[p + 1]]), None,
                                      cubic)
        normed.append(res / np.sqrt(np.maximum(1 - leverage, 0.05)))
    if not normed:
        return math.inf
    r = np.concatenate(normed)
    return max(float(np.median(np.abs(r - np.median(r))) * _MAD), 1e-3)


def bend_at(s: Series, phase: np.ndarray, idx: np.ndarray, p: int, lo: int, hi: int, scale: float,
            cubic: bool = False) -> Bend | None:
    """The bend at the gap after position ``p``, windows within positions [lo, hi]; None with too few sets."""
    left, right = _sides(s.t, idx, p, lo, hi)
    if len(left) < MIN_SIDE or len(right) < MIN_SIDE:
        return None
    rows = idx[left + right]
    t_gap = 0.5 * (s.t[idx[p]] + s.t[idx[p + 1]])
    coef, cov, _, _, w = _fit(s.t[rows], phase[rows], len(left), t_gap, scale, cubic)
    kept = w > 0
    if min(int(kept[: len(left)].sum()), int(kept[len(left) :].sum())) < MIN_SIDE - 1 or kept.sum() < 2 * MIN_SIDE:
        return None  # sets dropped as bad left a side without a line
    d_slope = float(coef[3] - coef[2])  # km/day
    se = math.sqrt(max(float(cov[2, 2] + cov[3, 3] - 2 * cov[2, 3]), 1e-18)) * scale
    n = math.sqrt(MU_KM3_S2 / float(np.median(s.a[idx])) ** 3)  # rad/s
    da = -(d_slope / DAY_S) / (1.5 * n)  # Δn/n = −1.5·Δa/a, the slope being n·a in km/day
    cross = t_gap + DAY_S * float((coef[1] - coef[0]) / (coef[2] - coef[3])) if d_slope else t_gap
    return Bend(p, d_slope / se, da, cross)


def _meets_inside(t: np.ndarray, idx: np.ndarray, bend: Bend) -> bool:
    """The two sides' lines meet inside the gap (widened by ``CROSS_MARGIN`` of it, at least ``CROSS_MARGIN_S``):
    the phase is continuous through a burn, so a bend whose lines meet elsewhere is noise, or the neighbouring
    gap's bend seen from one set over."""
    lo, hi = float(t[idx[bend.position]]), float(t[idx[bend.position + 1]])
    margin = max(CROSS_MARGIN * (hi - lo), CROSS_MARGIN_S)
    return lo - margin <= bend.t_cross <= hi + margin


WANDER_MIN = 5  # gaps needed to measure how widely the history's bends scatter


def bends(s: Series, cuts: Sequence[int], z_min: float, max_count: int = 4) -> list[Bend]:
    """The phase's bends of at least ``z_min`` standard errors at gaps other than the ``cuts`` (good-set positions
    of the change points already found, which bound every window), strongest first, each found bounding the
    windows of the next. A bend counts only where its two lines meet in its gap (``_meets_inside``). The standard
    errors are those of the history's own bends when they scatter more than one (robust spread over every gap):
    in a low orbit, drag that changes from day to day bends the phase more than the windows' shared terms follow."""
    idx = np.flatnonzero(s.good)
    phase = phase_km(s)
    # drag that changes across a window (the Sun's 27-day rotation, a storm) bends the phase by kilometres over a
    # week in a low orbit, which a curvature alone leaves as bends: a cubic when the history's scatter says so
    scale, with_cubic = noise_km(s, phase, idx, cuts), noise_km(s, phase, idx, cuts, cubic=True)
    cubic = with_cubic <= CUBIC_GAIN * scale
    scale = with_cubic if cubic else scale
    if not math.isfinite(scale):
        return []
    known = sorted(cuts)
    out: list[Bend] = []
    wander = 1.0
    for step in range(max_count):
        every = [b for p, lo, hi in _gaps(len(idx), known) if (b := bend_at(s, phase, idx, p, lo, hi, scale, cubic))]
        if step == 0 and len(every) >= WANDER_MIN:
            z = np.array([b.z for b in every])
            wander = max(1.0, float(np.median(np.abs(z - np.median(z)))) * _MAD)
        found = [replace(b, z=b.z / wander) for b in every if _meets_inside(s.t, idx, b)]
        best = max(found, key=lambda b: abs(b.z), default=None)
        if best is None or abs(best.z) < z_min:
            break
        out.append(best)
        known = sorted([*known, best.position])
    alone = _each_alone(s, phase, idx, cuts, out, scale * wander, z_min, cubic)
    bounds = {b.position: sorted({*cuts, *(o.position for o in alone if o is not b)}) for b in alone}
    return [b for b in alone if _without_any_one_set(s, phase, idx, bounds[b.position], b, scale * wander, z_min,
                                                      cubic)]


LEFT_OUT = 0.75  # a bend must keep this part of the z needed with any one set of its windows left out


def _without_any_one_set(s: Series, phase: np.ndarray, idx: np.ndarray, others: Sequence[int], b: Bend,
                         scale: float, z_min: float, cubic: bool) -> bool:
    """Whether bend ``b`` still reaches ``LEFT_OUT`` of ``z_min`` (the same sense, its lines meeting in its gap) with
    any one set of its windows left out: a burn's bend is in every set after it; a bend that one set makes is a bad
    fit's."""
    lo = max([c + 1 for c in others if c < b.position], default=0)
    hi = min([c for c in others if c > b.position], default=len(idx) - 1)
    left, right = _sides(s.t, idx, b.position, lo, hi)
    for j in left + right:
        fewer = np.delete(idx, j)
        p = b.position - (j <= b.position)
        again = bend_at(s, phase, fewer, p, lo - (j < lo), hi - (j <= hi), scale, cubic)
        if again is None:
            continue
        if again.z * b.z <= 0 or abs(again.z) < LEFT_OUT * z_min or not _meets_inside(s.t, fewer, again):
            return False
    return True


def _each_alone(s: Series, phase: np.ndarray, idx: np.ndarray, cuts: Sequence[int], found: list[Bend],
                scale: float, z_min: float, cubic: bool) -> list[Bend]:
    """The bends ``found`` measured again, each with windows bounded by all the others (a bend found first sees
    the ones found after it across its windows: a real bend inside one side's window bends that side's line, and
    the gap beside it can show a bend of the other sense). The weakest that no longer reaches ``z_min``, or whose
    lines no longer meet in its gap, is dropped, one at a time; one whose windows are now too short stays."""
    out = list(found)
    while out:
        again: list[Bend] = []
        for b in out:
            others = sorted({*cuts, *(o.position for o in out if o is not b)})
            lo = max([c + 1 for c in others if c < b.position], default=0)
            hi = min([c for c in others if c > b.position], default=len(idx) - 1)
            alone = bend_at(s, phase, idx, b.position, lo, hi, scale, cubic)
            again.append(b if alone is None else alone)
        failing = [k for k, b in enumerate(again) if abs(b.z) < z_min or not _meets_inside(s.t, idx, b)
                   or b.z * out[k].z < 0]
        if not failing:
            return again
        del out[min(failing, key=lambda k: abs(again[k].z) if again[k].z * out[k].z > 0 else 0.0)]
    return out


LEVEL_Z = 3.0  # standard errors by which a set's own line must meet the line after it before its epoch
LEVEL_MIN_S = 3600.0  # ... and at least this long before it


def level_between(s: Series, k: int, before: Sequence[int], after: Sequence[int]) -> bool:
    """Whether set ``k``, alone between two in-plane burns (the good sets ``before`` the first and ``after`` the
    second, indices into ``Series.sets``), can be the level between them. The phase is continuous through a burn,
    so the line through the set's phase with its own rate (the orbit between the two burns) meets the line of the
    sets after the second burn after the set's epoch, in the second gap. A catalogue's fit straddling the first
    burn (part of its span before it) has a rate part-way or past and a position fitted mostly to the sets after:
    its line meets the after-line before its own epoch. That set cannot be a level: the two steps are one burn
    (False). True when the data say nothing either way (fewer than two sets before or three after, or too little
    slope between the lines)."""
    before, after = list(before)[-WINDOW:], list(after)[:WINDOW]
    if len(before) < 2 or len(after) < MIN_SIDE or len(before) + len(after) < 2 * MIN_SIDE + 1:
        return True  # two lines and a curvature: a line before of two sets is enough with more after
    phase = phase_km(s)
    rows = np.asarray(before + after)
    tk = float(s.t[k])
    coef, cov, res, leverage, w = _fit(s.t[rows], phase[rows], len(before), tk, None)
    scale = max(float(np.median(np.abs(res))) * _MAD / math.sqrt(max(1.0 - float(np.mean(leverage)), 0.05)), 1e-3)
    coef, cov, _, _, w = _fit(s.t[rows], phase[rows], len(before), tk, scale)
    sat = s.sets[k].satrec()
    own = (sat.mdot + sat.argpdot) / 60.0 * float(np.median(s.a)) * DAY_S  # km/day
    d_slope = float(coef[3]) - own
    if abs(d_slope) < 1e-9:
        return True
    meet = (float(phase[k]) - float(coef[1])) / d_slope * DAY_S  # s from the set's epoch
    error = math.sqrt(1.0 + float(cov[1, 1])) * scale / abs(d_slope) * DAY_S
    return not (meet < -LEVEL_Z * error and meet < -LEVEL_MIN_S)
