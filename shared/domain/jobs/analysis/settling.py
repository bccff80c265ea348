"""Fits that settle after a plane change: the element sets a catalogue fits over a span of passes that holds the
burn.

A catalogue fits each element set to the observations of a day or two before its epoch. After a small plane
change that the fit's residuals do not flag, the sets that follow hold part of the old plane: the inclination and
the node ramp from the old plane to the new one over the fit span, and a detector that looks for the largest step
finds it somewhere in the ramp, late, or splits it into two steps the same way (one burn and a false alarm).

For each plane-change gap kept (and the plane-change gaps after it within ``RAMP_S`` that step the same way: one
ramp found in pieces; not two steps each of at least ``Z_OBVIOUS``: a ramp is a change too small for the fit's
residuals to flag, and a level of sets between two such steps is the orbit between two burns), the levels are
taken outside the *zone* a burn and its ramp may occupy (``OUTER`` sets before it and after it, Huber, one shared
slope), and each set in the zone is placed along the step in the plane (Δi, sin i·ΔΩ): 0 the level before, 1 the
level after. A set is *part-way* more than ``PART_Z`` noise units and ``PART_MIN`` of the step from both levels,
and within ``ACROSS_Z`` noise units across the step. The first part-way set followed by another moved set starts
the ramp; the ramp runs to the first set at the new level. The burn is in the gap before the ramp (a move back from
the gap found needs two part-way sets: one is as likely a noisy set); the ramp's sets are set aside
(``Series.settling``), the chained gaps are one burn, the change points are measured again without those sets, and
the burn's time is bounded by the first of them (``burn_bound``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from shared.domain.jobs.analysis.level_shifts import PLANE_KEYS as PLANE
from shared.domain.jobs.analysis.level_shifts import SLOPED, Z_OBVIOUS, Gap, Series, level_fit, refit

RAMP_S = 1.6 * 86400.0  # a fit span: how far part-way sets reach from the burn
PART_Z = 2.5  # noise units a part-way set lies from both levels, along the step
ACROSS_Z = 5.0  # ... and at most this far across it
PART_MIN = 0.15  # ... and at least this part of the step from both (a large burn's levels are not that exact)
SAME_WAY = 0.8  # cosine between two plane steps that are one burn


OUTER = 4  # sets either side of the zone a burn and its settling fits may take, for the levels around it
OUTER_S = 3 * 86400.0  # ... and no further than this from it


def _step(g: Gap) -> np.ndarray:
    return np.array([g.levels[k][1] - g.levels[k][0] for k in PLANE])


def _obvious(g: Gap) -> bool:
    return math.hypot(*(g.z[k] for k in PLANE)) >= Z_OBVIOUS


def _same_way(g: Gap, h: Gap) -> bool:
    a, b = _step(g), _step(h)
    return float(a @ b) >= SAME_WAY * float(np.linalg.norm(a) * np.linalg.norm(b))


def _outer_levels(s: Series, li: np.ndarray, ri: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Per plane series the levels before and after (at ``t_mid``), the slope per day and ``t_mid``."""
    out = []
    for key in PLANE:
        _, _, (before, after, slope) = level_fit(s.t, s.x[key], li, ri, key in SLOPED, s.sigma[key])
        out.append((before, after, slope, 0.5 * float(s.t[li[-1]] + s.t[ri[0]])))
    return out


def _fractions(s: Series, zone: np.ndarray, levels: list[tuple[float, float, float, float]]
               ) -> tuple[np.ndarray, float, np.ndarray]:
    """Each zone set's place along the step (0 before, 1 after), that place's noise, and how far across the step
    each lies (noise units)."""
    before = np.array([[b + slope * (s.t[j] - tm) / 86400.0 for b, _, slope, tm in levels] for j in zone])
    step = np.array([a - b for b, a, _, _ in levels])
    off = np.array([[s.x[k][j] for k in PLANE] for j in zone]) - before
    noise = np.array([max(s.sigma[k], s.background[k]) for k in PLANE])
    size = float(np.linalg.norm(step))
    u = step / size
    across_u = np.array([-u[1], u[0]])
    sigma = float(np.linalg.norm(noise * u)) / size
    across = np.abs(off @ across_u) / max(float(np.linalg.norm(noise * across_u)), 1e-15)
    return off @ u / size, sigma, across


def settle(s: Series, gaps: Sequence[Gap], plane_changes: set[int]) -> list[Gap] | None:
    """The change points ``gaps`` with the part-way sets around the plane changes among them (their ``left[-1]``
    in ``plane_changes``) set aside, moved and merged as the module says; None when there were none."""
    good = np.flatnonzero(s.good)
    lefts = [g.left[-1] for g in gaps]
    ramp: list[int] = []
    moved: dict[int, int] = {}  # a change point's left set -> the set its burn is after
    merged: set[int] = set()
    for k, g in enumerate(gaps):
        if g.left[-1] not in plane_changes or g.left[-1] in merged or not np.any(_step(g)):
            continue
        chain = [g]  # the plane-change gaps after it within a fit span, stepping the same way: its ramp
        for h in gaps[k + 1 :]:
            if h.left[-1] not in plane_changes or not _same_way(g, h) or s.t[h.left[-1]] - s.t[g.right[0]] > RAMP_S:
                break
            if _obvious(chain[-1]) and _obvious(h):
                break  # two steps each far beyond the noise: two burns (a fit that settles is too small to flag)
            chain.append(h)
        last = chain[-1]
        low = lefts[k - 1] if k > 0 else -1
        high = next((h.left[-1] for h in gaps if h.left[-1] > last.left[-1]), len(s.sets))
        zone_lo, zone_hi = s.t[g.right[0]] - RAMP_S, s.t[last.left[-1]] + RAMP_S
        li = np.array([j for j in good if low < j and zone_lo - OUTER_S <= s.t[j] < zone_lo][-OUTER:], dtype=int)
        ri = np.array([j for j in good if j <= high and zone_hi < s.t[j] <= zone_hi + OUTER_S][:OUTER], dtype=int)
        zone = np.array([j for j in good if low < j <= high and zone_lo <= s.t[j] <= zone_hi], dtype=int)
        if len(li) < 2 or len(ri) < 2 or len(zone) < 2:
            continue
        f, sigma, across = _fractions(s, zone, _outer_levels(s, li, ri))
        margin = max(PART_Z * sigma, PART_MIN)
        moving = np.flatnonzero((f > margin) & (across <= ACROSS_Z))
        if not len(moving) or moving[0] == 0:
            continue
        first = int(moving[0])
        if first + 1 < len(zone) and f[first + 1] <= margin:
            continue  # one set off the level before, and back: noise, not a ramp
        part: list[int] = []
        for q in range(first, len(zone)):
            if f[q] >= 1.0 - margin or across[q] > ACROSS_Z:
                break
            part.append(int(zone[q]))
        if zone[first] < g.right[0] and len(part) < 2:
            continue  # a move needs a ramp: one set part-way is as likely one noisy set
        ramp.extend(part)
        merged.update(h.left[-1] for h in chain[1:])
        if int(zone[first - 1]) != g.left[-1]:
            moved[g.left[-1]] = int(zone[first - 1])
    if not ramp and not moved:
        return None
    s.good[ramp] = False
    s.settling[ramp] = True
    kept = [g for g in gaps if g.left[-1] not in merged and g.left[-1] not in moved]
    return refit(s, kept, list(moved.values()))


def burn_bound(s: Series, before: int, after: int) -> float:
    """The latest time the burn between sets ``before`` and ``after`` can have been: the epoch of the first
    set between them that is part-way after it (``settling``), else ``after``'s."""
    between = [j for j in range(before + 1, after) if s.settling[j]]
    return float(s.t[between[0]]) if between else float(s.t[after])
