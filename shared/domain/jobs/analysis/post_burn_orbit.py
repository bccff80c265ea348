"""The orbits either side of a burn, as SGP4 sets that meet at the burn: what the closest approach propagates.

Levels: *a*, *i* and the drift-corrected RAAN from the change point's levels (``level_shifts``); the
eccentricity vector from two Huber levels sharing one slope over up to ``E_WINDOW`` good sets either side of
the gap, in the fixed frame or in the frame turning with SGP4's perigee drift, whichever fits them better
(``e_levels``). Each orbit is its side's levels *at the burn* carried back to its set's epoch by SGP4's own
rates (``burn_orbits``), so propagated to the burn the two differ by the level steps only.

The after-orbit's eccentricity vector is a maximum-likelihood estimate under the impulsive-burn model, not the
measured after-level: an along-track burn Δv_T at argument of latitude u changes Δa/a by 2Δv_T/v and the
eccentricity vector by (2Δv_T/v)(cos u, sin u). The semi-major axis step is measured about 4× better than the
e-vector step relative to the burn (which below 1 m/s is mostly noise), so the step is taken of size |Δa|/a,
pointing along the measured step — the burn point that fits it best; any u is reached when the gap spans a
revolution (``model_e_step``). A radial part (Δv_R/v in e) is not estimated: it is below the e-vector noise for
burns of a few m/s, and where the measured step exceeds |Δa|/a on generated histories the semi-major axis
step (a fit straddling the burn) was as often the cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sgp4.api import Satrec

from shared.domain.jobs.analysis.closest_approach import level_set
from shared.domain.jobs.analysis.level_shifts import WINDOW_SPAN_S, Gap, Series, level_fit

E_WINDOW = 12  # good sets either side of a gap for the eccentricity vector's levels (no drag to follow)
_JD_UNIX0 = 2440587.5
_MAD = 1.4826


@dataclass(frozen=True)
class ELevels:
    """The eccentricity vector's levels either side of a gap, in the frame chosen (``rate``: rad/s it turns)."""

    before: tuple[float, float]  # at the gap, in that frame
    after: tuple[float, float]
    slope: tuple[float, float]  # per day
    rate: float
    t_gap: float

    def at(self, side: int | None, t: float) -> tuple[float, float]:
        """The vector (e·cos ω, e·sin ω) of one side (None: both pooled) at time ``t`` (fixed frame)."""
        pair = (self.before, self.after)
        lvl = tuple(0.5 * (b + a) for b, a in zip(*pair, strict=True)) if side is None else pair[side]
        x, y = (lv + sl * (t - self.t_gap) / 86400.0 for lv, sl in zip(lvl, self.slope, strict=True))
        back = self.rate * (t - self.t_gap)
        return x * math.cos(back) - y * math.sin(back), x * math.sin(back) + y * math.cos(back)


def _e_rows(s: Series, gap: Gap) -> tuple[np.ndarray, np.ndarray]:
    """The good sets either side of ``gap`` for the eccentricity vector: up to ``E_WINDOW`` each, between the
    neighbouring change points and within ``WINDOW_SPAN_S`` of the gap (its step is 4x noisier, relative to
    the burn, than that of *a*: more sets)."""
    good = np.flatnonzero(s.good)
    near = np.abs(s.t[good] - gap.t_gap) <= WINDOW_SPAN_S
    lo, hi = gap.span if gap.span != (0, 0) else (gap.left[0], gap.right[-1])
    left = good[near & (good >= min(lo, gap.left[0])) & (good <= gap.left[-1])][-E_WINDOW:]
    right = good[near & (good >= gap.right[0]) & (good <= max(hi, gap.right[-1]))][:E_WINDOW]
    return left, right


def e_levels(s: Series, gap: Gap) -> ELevels:
    """The eccentricity vector's levels either side of ``gap`` (see ``_e_rows``), in whichever frame fits them
    better (smaller residuals): fixed, as a frozen orbit's vector stays put, or turning with SGP4's own perigee
    drift (``argpdot``), as a free vector does — over days a turning vector is not a straight line, and a line
    fitted to it would put a spurious step of up to 1e-4 in the burn's eccentricity change."""
    e = np.array([x.eccentricity for x in s.sets])
    w = np.radians([x.arg_perigee_deg for x in s.sets])
    li, ri = _e_rows(s, gap)
    rows = np.concatenate([li, ri])
    rate = 0.5 * (s.sets[gap.left[-1]].satrec().argpdot + s.sets[gap.right[0]].satrec().argpdot) / 60.0  # rad/s
    best: tuple[float, ELevels] | None = None
    for turn in (0.0, rate):
        phase = turn * (s.t - gap.t_gap)  # the frame's angle at each set
        rss, fits = 0.0, []
        for comp in (e * np.cos(w - phase), e * np.sin(w - phase)):
            noise = float(np.median(np.abs(np.diff(comp[rows])))) * _MAD / math.sqrt(2) if len(rows) > 2 else None
            _, _, levels = level_fit(s.t, comp, li, ri, True, noise or None)
            before, after, slope = levels
            fitted = np.where(np.isin(rows, li), before, after) + slope * (s.t[rows] - gap.t_gap) / 86400.0
            rss += float(np.sum((comp[rows] - fitted) ** 2))
            fits.append(levels)
        found = ELevels((fits[0][0], fits[1][0]), (fits[0][1], fits[1][1]), (fits[0][2], fits[1][2]),
                        turn, gap.t_gap)
        if best is None or rss < best[0]:
            best = (rss, found)
    assert best is not None
    return best[1]


def model_e_step(levels: ELevels, t: float, da_over_a: float) -> tuple[float, float]:
    """The burn's eccentricity-vector step at time ``t`` under the impulsive along-track burn model: of size
    |Δa|/a (``da_over_a``, the semi-major axis step) along the measured step (the burn point that fits the
    measurement best)."""
    before, after = levels.at(0, t), levels.at(1, t)
    step = (after[0] - before[0], after[1] - before[1])
    size = math.hypot(*step)
    k = abs(da_over_a) / size if size > 0 else 0.0
    return k * step[0], k * step[1]


def level_at(s: Series, gap: Gap, key: str, side: int | None, t: float) -> float:
    """The level of series ``key`` on one side of ``gap`` (0 before, 1 after; None: the two pooled, for an
    element the burn did not measurably change) at time ``t`` with the gap's local slope (un-detrended)."""
    before, after, slope = gap.levels[key]
    value = (0.5 * (before + after) if side is None else (before, after)[side]) + slope * (t - gap.t_gap) / 86400.0
    if key == "a":
        return value + s.a_rate * (t - float(s.t[0]))
    if key == "raan":
        return value + s.raan_rate * (t - float(s.t[0]))
    return value


def _sgp4_a_change(sat: Satrec, t_from: float, t_to: float) -> float:
    """How much SGP4's own mean semi-major axis of ``sat`` changes from ``t_from`` to ``t_to`` (its drag), km."""
    out = []
    for t in (t_from, t_to):
        jd = t / 86400.0 + _JD_UNIX0
        sat.sgp4(math.floor(jd), jd - math.floor(jd))
        out.append(sat.am * sat.radiusearthkm)
    return float(out[1] - out[0])


def burn_orbits(s: Series, gap: Gap, along: bool, cross: bool) -> tuple[Satrec, Satrec]:
    """The orbits either side of the burn as SGP4 sets: the nearest good set on each side, with its side's
    levels *at the burn* (the middle of the gap, ``T``) carried back to its own epoch by SGP4's own rates — so
    that propagated to the burn the two differ by the level steps and nothing else: not by the drag, the
    residual RAAN drift or the eccentricity vector's turning over the gap, which SGP4 would not reproduce from
    levels taken at each set's epoch. Elements ``delta_v`` leaves out (``along`` / ``cross`` false) at both
    sides' pooled level; the after-orbit's eccentricity vector is the level before plus ``model_e_step``."""
    b, f = gap.left[-1], gap.right[0]
    big_t = gap.t_gap
    e_lv = e_levels(s, gap)
    a_mid = 0.5 * (float(s.a[b]) + float(s.a[f]))
    e_before = e_lv.at(0 if along else None, big_t)
    e_after = e_before
    if along:
        step = model_e_step(e_lv, big_t, gap.level_shift["a"] / a_mid)
        e_after = (e_before[0] + step[0], e_before[1] + step[1])

    def build(at: int, side: int, e_vec: tuple[float, float], raan: float) -> Satrec:
        raw = s.sets[at].satrec()
        t_at = float(s.t[at])
        in_plane, plane = side if along else None, side if cross else None
        a = level_at(s, gap, "a", in_plane, big_t) - _sgp4_a_change(raw, t_at, big_t)
        turn = raw.argpdot / 60.0 * (t_at - big_t)  # SGP4 turns it back to e_vec by the burn
        cos, sin = math.cos(turn), math.sin(turn)
        vec = (e_vec[0] * cos - e_vec[1] * sin, e_vec[0] * sin + e_vec[1] * cos)
        return level_set(raw, a, level_at(s, gap, "i", plane, big_t), raan, vec)

    def raan_level(side: int | None) -> float:  # cross-track level at the burn, as a RAAN offset
        return level_at(s, gap, "raan", side, big_t) / math.sin(max(level_at(s, gap, "i", side, big_t), 1e-3))

    side0 = 0 if cross else None
    before = build(b, 0, e_before, math.radians(s.sets[0].raan_deg) + float(s.raan_drift[b]) + raan_level(side0))
    # the after-orbit's node: the before-orbit's carried to the burn and the after-orbit's carried back from it
    # by SGP4's own drift, plus the measured step (none when delta_v leaves the plane out)
    node_step = raan_level(1) - raan_level(0) if cross else 0.0
    after = build(f, 1, e_after, before.nodeo)
    node = before.nodeo + before.nodedot / 60.0 * (big_t - float(s.t[b])) + after.nodedot / 60.0 * (
        float(s.t[f]) - big_t) + node_step
    after = build(f, 1, e_after, node)
    return before, after
