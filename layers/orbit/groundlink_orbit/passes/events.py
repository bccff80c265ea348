"""Event stage: from grid candidates to passes with exact rise, set and culmination.

For all satellites at once: extrema and mask crossings are located on the Hermite interpolant
(``hermite``), polished on exact SGP4 states (``polish``), an extremum on the wrong side of the
mask adds the pair of crossings around it (a low peak above the mask, a dip below it), and the
crossings pair up into passes.  A pass above the mask at the window start or end is clamped and
flagged.  The culmination is the highest polished maximum inside the pass (or the clamped end).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .fast_math import BoolArray, FloatArray, IntArray, lexsort_by_group_time_flag, take_rows
from .grid import ExtremumCandidates, GridCandidates, Intervals, WindowEdges, concatenate
from .hermite import Bracket, crossing_on_interpolant, extremum_on_interpolant
from .polish import Polished, PolishRequest, polish
from .setup import SearchSetup

HERMITE_CROSSING_ITERATIONS = 3
HERMITE_EXTREMUM_ITERATIONS = 2
_HERMITE_MARGIN_DEG = 0.1  # Hermite elevation error is ~0.01 deg at 16 samples per orbit
_SAME_TIME_S = 1e-6  # a culmination this close after the set still belongs to the pass


@dataclass(frozen=True, slots=True, eq=False)
class PassEvents:
    """One row per pass, sorted by satellite, station and rise; Earth-fixed states at each event."""

    sat: IntArray
    station: IntArray
    rise_unix_s: FloatArray
    set_unix_s: FloatArray
    culmination_unix_s: FloatArray
    rise_r: FloatArray  # K×3, km
    rise_v: FloatArray  # K×3, km/s
    set_r: FloatArray
    set_v: FloatArray
    culmination_r: FloatArray
    culmination_v: FloatArray
    culmination_sin_el: FloatArray
    starts_before_window: BoolArray
    ends_after_window: BoolArray


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Crossings:
    """Polished mask crossings (and clamped window edges), one row each."""

    sat: IntArray
    station: IntArray
    t: FloatArray
    rising: BoolArray  # elevation goes above the mask here (an edge: the window start)
    r: FloatArray
    v: FloatArray
    clamped: BoolArray  # a window edge, not a crossing


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Extrema:
    """The extremum candidates worth polishing (``rows`` of the candidates), polished."""

    rows: IntArray
    sat: IntArray
    station: IntArray
    t_start: FloatArray
    length_s: FloatArray
    is_max: BoolArray
    is_low: BoolArray
    polished: Polished
    above: BoolArray  # polished sin(el) above the mask


def find_events(setup: SearchSetup, candidates: GridCandidates, culminations: bool = True) -> PassEvents:
    """Every pass of every satellite × station pair in the window.

    ``culminations=False`` (access windows: only rise and set matter) leaves the peaks of passes already
    bracketed by crossings unpolished — about a third of the polish — and the culmination columns NaN.
    """
    extrema, crossings = _polish_extrema_and_crossings(setup, candidates, culminations)
    split = _crossings_around_split_extrema(setup, candidates.extrema.intervals, extrema)
    edges = _edge_crossings(setup, candidates.edges)
    events = concatenate([crossings, split, edges])
    return _pair(setup, events, extrema, candidates.edges, culminations)


def _polish_extrema_and_crossings(
    setup: SearchSetup, candidates: GridCandidates, culminations: bool
) -> tuple[_Extrema, _Crossings]:
    """Extrema and grid crossings on the interpolant, then one exact polish for both together."""
    rows, tau_extrema = _extrema_worth_polishing(setup, candidates.extrema, culminations)
    found = candidates.extrema
    ext = found.intervals
    sat, station, t_start, length_s = ext.sat[rows], ext.station[rows], ext.t_start[rows], ext.length_s[rows]
    is_max, is_low = found.is_max[rows], found.is_low[rows]
    crossings = candidates.crossings
    cross = crossings.intervals
    tau_crossings = crossing_on_interpolant(
        cross, setup.stations, setup.sin_mask[cross.station], Bracket.whole(crossings.above_at_start),
        HERMITE_CROSSING_ITERATIONS,
    )  # fmt: skip
    count = rows.size
    all_station = np.concatenate((station, cross.station))
    all_start = np.concatenate((t_start, cross.t_start))
    all_length = np.concatenate((length_s, cross.length_s))
    polished = polish(
        setup,
        PolishRequest(
            sat=np.concatenate((sat, cross.sat)),
            station=all_station,
            sin_target=setup.sin_mask[all_station],
            t=all_start + np.concatenate((tau_extrema, tau_crossings)) * all_length,
            lo=all_start.copy(),
            hi=all_start + all_length,
            lo_positive=np.concatenate((is_max, crossings.above_at_start)),
            extremum=np.arange(all_station.size) < count,
            low=np.concatenate((is_low, np.zeros(cross.station.size, bool))),
        ),
    )
    at_extrema = polished.take(slice(None, count))
    at_crossings = polished.take(slice(count, None))
    above = at_extrema.sin_el > setup.sin_mask[station]
    extrema = _Extrema(rows, sat, station, t_start, length_s, is_max, is_low, at_extrema, above)
    crossing_events = _Crossings(
        cross.sat, cross.station, at_crossings.t, ~crossings.above_at_start, at_crossings.r, at_crossings.v,
        np.zeros(cross.sat.size, bool),
    )  # fmt: skip
    return extrema, crossing_events


def _extrema_worth_polishing(
    setup: SearchSetup, extrema: ExtremumCandidates, culminations: bool = True
) -> tuple[IntArray, FloatArray]:
    """Rows of the extremum candidates that can matter, and their tau on the interpolant.

    A low peak matters if it may reach the mask, a dip if it may fall below it (both within the
    interpolant's error margin); every other peak bounds a culmination (only wanted with ``culminations``).
    """
    subset = np.flatnonzero(extrema.is_low | ~extrema.is_max) if not culminations else None
    # without culminations, the other peaks lie between two crossings: they change no rise or set
    ext = extrema.intervals if subset is None else extrema.intervals.take(subset)
    is_max = extrema.is_max if subset is None else extrema.is_max[subset]
    is_low = extrema.is_low if subset is None else extrema.is_low[subset]
    tau, sin_el = extremum_on_interpolant(ext, setup.stations, is_max, HERMITE_EXTREMUM_ITERATIONS)
    el_deg = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    mask_deg = setup.mask_deg[ext.station]
    need = np.where(
        is_low,
        el_deg > mask_deg - _HERMITE_MARGIN_DEG,
        np.where(is_max, True, el_deg < mask_deg + _HERMITE_MARGIN_DEG),
    )
    need &= np.isfinite(tau)
    rows = np.flatnonzero(need)
    return (rows if subset is None else subset[rows]), tau[rows]


def _crossings_around_split_extrema(setup: SearchSetup, candidates: Intervals, extrema: _Extrema) -> _Crossings:
    """The pair of crossings around each low peak found above the mask and each dip found below it."""
    polished = extrema.polished
    tau = np.clip((polished.t - extrema.t_start) / extrema.length_s, 0.0, 1.0)
    split = np.flatnonzero(
        np.where(extrema.is_max, extrema.is_low & extrema.above, ~extrema.above & np.isfinite(polished.sin_el))
    )
    sat = np.concatenate((extrema.sat[split], extrema.sat[split]))
    if not split.size:
        return _Crossings(sat, np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool), np.zeros((0, 3)),
                          np.zeros((0, 3)), np.zeros(0, bool))  # fmt: skip
    # Before the extremum [0, tau] and after it [tau, 1].
    zero = np.zeros(split.size)
    tau_split = tau[split]
    lo = np.concatenate((zero, tau_split))
    hi = np.concatenate((tau_split, zero + 1.0))
    is_max = extrema.is_max[split]
    lo_positive = np.concatenate((~is_max, is_max))
    rows = extrema.rows[split]
    intervals = replace(candidates.take(np.concatenate((rows, rows))), tau_guess=0.5 * (lo + hi))
    station, t_start, length_s = intervals.station, intervals.t_start, intervals.length_s
    sin_mask = setup.sin_mask[station]
    tau_crossing = crossing_on_interpolant(
        intervals, setup.stations, sin_mask, Bracket(lo.copy(), hi.copy(), lo_positive), HERMITE_CROSSING_ITERATIONS
    )
    at = polish(
        setup,
        PolishRequest(
            sat=sat, station=station, sin_target=sin_mask, t=t_start + tau_crossing * length_s,
            lo=t_start + lo * length_s, hi=t_start + hi * length_s, lo_positive=lo_positive,
            extremum=np.zeros(sat.size, bool), low=np.zeros(sat.size, bool),
        ),
    )  # fmt: skip
    return _Crossings(sat, station, at.t, ~lo_positive, at.r, at.v, np.zeros(sat.size, bool))


def _edge_crossings(setup: SearchSetup, edges: WindowEdges) -> _Crossings:
    """A pass up at the window start rises there; one still up at its end sets there."""
    t = np.where(edges.at_end, setup.end, setup.start)
    return _Crossings(edges.sat, edges.station, t, ~edges.at_end, edges.r, edges.v, np.ones(edges.sat.size, bool))


def _pair(
    setup: SearchSetup, events: _Crossings, extrema: _Extrema, edges: WindowEdges, culminations: bool = True
) -> PassEvents:
    """Rise/set pairs: a rising crossing followed by a setting one of the same satellite × station."""
    station_count = len(setup.stations)
    pair = events.sat * station_count + events.station
    sel = np.flatnonzero(np.isfinite(events.t))
    sel = sel[lexsort_by_group_time_flag(pair[sel], events.t[sel], events.rising[sel], setup.window)]
    sat, station, t, rising, clamped, pair = (
        events.sat[sel],
        events.station[sel],
        events.t[sel],
        events.rising[sel],
        events.clamped[sel],
        pair[sel],
    )
    rise = np.flatnonzero(rising[:-1] & ~rising[1:] & (pair[:-1] == pair[1:]))
    fall = rise + 1
    rise_row, fall_row = sel[rise], sel[fall]  # rows of events.r / events.v
    if culminations:
        culmination_t, culmination_r, culmination_v, culmination_sin = _culminations(
            setup,
            _PassKeys(pair[rise], t[rise], t[fall], take_rows(events.r, rise_row), take_rows(events.v, rise_row)),
            extrema, edges,
        )  # fmt: skip
        culmination_sin = np.where(np.isnan(culmination_sin), setup.sin_mask[station[rise]], culmination_sin)
    else:
        culmination_t, culmination_sin = np.full(rise.size, np.nan), np.full(rise.size, np.nan)
        culmination_r, culmination_v = np.full((rise.size, 3), np.nan), np.full((rise.size, 3), np.nan)
    return PassEvents(
        sat=sat[rise].astype(np.int64),
        station=station[rise].astype(np.int64),
        rise_unix_s=t[rise],
        set_unix_s=t[fall],
        culmination_unix_s=culmination_t,
        rise_r=take_rows(events.r, rise_row),
        rise_v=take_rows(events.v, rise_row),
        set_r=take_rows(events.r, fall_row),
        set_v=take_rows(events.v, fall_row),
        culmination_r=culmination_r,
        culmination_v=culmination_v,
        culmination_sin_el=culmination_sin,
        starts_before_window=clamped[rise].astype(bool),
        ends_after_window=clamped[fall].astype(bool),
    )


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _PassKeys:
    """The passes as found by pairing, sorted by satellite × station (``pair``) and rise."""

    pair: IntArray
    rise_unix_s: FloatArray
    set_unix_s: FloatArray
    rise_r: FloatArray
    rise_v: FloatArray


def _culminations(
    setup: SearchSetup, passes: _PassKeys, extrema: _Extrema, edges: WindowEdges
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Time, Earth-fixed r and v, and sin(el) (NaN: none found) of the highest polished maximum or
    clamped window edge inside each pass; the rise where there is none."""
    start, end = setup.window
    station_count = len(setup.stations)
    span = end - start + 10.0  # composite key: pair × span + time since the window start
    rise_key = passes.pair * span + (passes.rise_unix_s - start)
    set_key = passes.pair * span + (passes.set_unix_s - start)
    polished = extrema.polished
    maxima = np.flatnonzero(extrema.is_max & extrema.above & np.isfinite(polished.t))
    candidate_pair = np.concatenate(
        (extrema.sat[maxima] * station_count + extrema.station[maxima], edges.sat * station_count + edges.station)
    )
    candidate_t = np.concatenate((polished.t[maxima], np.where(edges.at_end, end, start)))
    candidate_sin = np.concatenate((polished.sin_el[maxima], edges.sin_el))
    candidate_key = candidate_pair * span + (candidate_t - start)
    which = np.searchsorted(rise_key, candidate_key, side="right") - 1
    if rise_key.size:
        inside_pass = (which >= 0) & (candidate_key <= set_key[np.maximum(which, 0)] + _SAME_TIME_S)
    else:
        inside_pass = which < -1
    inside = np.flatnonzero(inside_pass)
    which, candidate_sin, candidate_t = which[inside], candidate_sin[inside], candidate_t[inside]
    # Highest per pass: sort on pass + sin(el) (|sin(el)| <= 1, passes 4 apart; ties below ~1e-9 in
    # sin(el) may pick either maximum, both then within 1e-7 deg of each other).
    best = np.argsort(which * 4.0 + candidate_sin)
    last = np.r_[which[best][1:] != which[best][:-1], True] if best.size else np.zeros(0, bool)
    best = best[last]
    source = inside[best]  # rows of the concatenated candidates (maxima, then edges)
    from_maxima = source < maxima.size
    best_r = np.concatenate(
        (take_rows(polished.r, maxima[source[from_maxima]]), take_rows(edges.r, source[~from_maxima] - maxima.size))
    )
    best_v = np.concatenate(
        (take_rows(polished.v, maxima[source[from_maxima]]), take_rows(edges.v, source[~from_maxima] - maxima.size))
    )
    with_state = np.concatenate((np.flatnonzero(from_maxima), np.flatnonzero(~from_maxima)))
    culmination_t = passes.rise_unix_s.copy()
    culmination_r = passes.rise_r
    culmination_v = passes.rise_v
    pass_of_best = which[best]
    culmination_t[pass_of_best] = candidate_t[best]
    culmination_r[pass_of_best[with_state]] = best_r
    culmination_v[pass_of_best[with_state]] = best_v
    culmination_sin = np.full(rise_key.size, np.nan)
    culmination_sin[pass_of_best] = candidate_sin[best]
    return culmination_t, culmination_r, culmination_v, culmination_sin
