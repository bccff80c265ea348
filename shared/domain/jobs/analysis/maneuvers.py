"""Maneuver detection from a satellite's element-set history (the SSA maneuver-detection job).

1. ``level_shifts``: the history as series (semi-major axis detrended by the drag the history itself shows,
   inclination, RAAN drift-corrected as a cross-track angle), outlier sets rejected, change points found as
   lasting level shifts over several sets either side of a gap; each in-plane one measured (``level_shift``) by
   one joint piecewise fit over the whole history (``piecewise_levels``), the plane ones between Huber levels
   sharing the gap's local slope, so a fit straddling the burn moves them little.
2. Δv from the level shifts by Gauss's variational equations (near-circular): along-track ``v·Δa/(2a)``,
   cross-track ``v·√(Δi² + (sin i·ΔΩ)²)``; ``delta_v`` is the norm of the significant components (the
   method's own component for ``sma``/``inc``) and the type the larger of the two.
3. ``closest_approach``: the two element sets either side, at their side's levels taken at the burn, the
   after-orbit's eccentricity vector the impulsive-burn model's (``post_burn_orbit``), propagated with SGP4;
   where the trajectories come closest is the maneuver time, the velocity difference there is
   ``dv_vector_kmps`` (TEME) / ``dv_rtn_mps`` and its norm ``sgp4_delta_v_mps``, the miss distance there
   ``position_error_m``.
4. ``maneuver_model``: a logistic model over per-gap features, calibrated, gives ``probability``; method ``ml``
   keeps the gaps of at least 0.5 (dropping the least likely shift one at a time and measuring the others again
   over the sets it had cut off), ``sma`` and ``inc`` are the physical detectors (a level shift of at least
   ``Z_PHYSICAL`` standard errors on their own elements only).
5. ``settling``: method ``ml`` then looks at the sets around each plane change kept: a catalogue's fit spans a
   day or two, so after a small plane change the next sets ramp from the old plane to the new one; the sets
   part-way are set aside, the burn moved before them and split steps of one ramp joined. A set alone between
   two burns, the second in-plane, whose along-track phase and rate cannot be the orbit between them
   (``along_track.level_between``) is a fit straddling the first: the two are one burn.
6. ``along_track``: method ``ml`` then looks at the along-track phase (the mean argument of latitude, unwrapped
   over the history): an in-plane burn bends it, by ~50 km a day per 0.2 m/s against a scatter of about a
   kilometre, where the semi-major axis leaves small burns in its noise. A bend of at least ``Z_BEND``
   standard errors at a gap where nothing was kept, whose two sides meet in that gap, is an in-plane burn sized
   by the slope change, its probability calibrated on its bend (``maneuver_model.bend_probability``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from groundlink_orbit import ElementSet, parse_tle

from shared.domain.catalog.models import ElementSetRecord
from shared.domain.errors import NotFound
from shared.domain.jobs.analysis import along_track, maneuver_model, settling
from shared.domain.jobs.analysis.closest_approach import closest_approach, level_set
from shared.domain.jobs.analysis.level_shifts import (
    MU_KM3_S2,
    Gap,
    Series,
    build_series,
    change_points,
    refit,
    semi_major_axis_km,
)
from shared.domain.jobs.analysis.post_burn_orbit import burn_orbits, e_levels, level_at

__all__ = ["MU_KM3_S2", "METHODS", "Candidate", "Maneuver", "candidates", "detect", "learned", "maneuver_report",
           "semi_major_axis_km"]

METHODS = ("ml", "inc", "sma")
Z_CANDIDATE = 5.5  # level shifts the learned model looks at
Z_PHYSICAL = 6.0  # level shifts the physical detectors (sma, inc) report
Z_COMPONENT = 3.0  # a Δv component counts when its own shift is at least this significant
Z_LONE_EXTRA = 2.0  # ... a plane part beside an in-plane step, with one set on a side, this much more
Z_BEND = 8.0  # along-track bends (standard errors) that add an in-plane burn where the level shifts saw none
BEND_MIN_DV_MPS = 0.03  # ... and Δv: a smaller bend is as likely a change of drag (a storm, an attitude change),
# as the precise fits of Sentinel-3A and -3B show (bends of 3-4 mm/s at 15 standard errors)
MIN_SETS = 4  # fewer good sets than this: nothing can be detected (two levels of two sets)
EDGE_MARGIN = timedelta(days=5)  # sets outside the window used to judge its edges
_KEYS = {"ml": ("a", "i", "raan"), "sma": ("a",), "inc": ("i", "raan")}


@dataclass(frozen=True)
class Candidate:
    gap: Gap
    before: ElementSet
    after: ElementSet
    maneuver_type: str  # "sma" (in-plane) or "inc" (plane change)
    dv_mps: float  # Gauss's equations on the level shifts, all significant components
    dv_along_mps: float
    dv_cross_mps: float
    time_unix: float
    sgp4_delta_v_mps: float
    position_error_m: float
    dv_vector_kmps: tuple[float, float, float]
    dv_rtn_mps: tuple[float, float, float]
    features: list[float]
    probability: float
    bend_z: float | None = None  # found by its along-track bend (``_with_bends``): that bend, standard errors


@dataclass(frozen=True)
class Maneuver:
    before: ElementSet
    after: ElementSet
    maneuver_type: str
    delta_v_mps: float
    time_unix: float
    sgp4_delta_v_mps: float
    position_error_m: float
    dv_vector_kmps: tuple[float, float, float]
    dv_rtn_mps: tuple[float, float, float]
    gve_dv_along_mps: float
    gve_dv_cross_mps: float
    probability: float


def _level(s: Series, gap: Gap, key: str, side: int | None, at: int) -> float:
    """The level of series ``key`` on one side of ``gap`` (0 before, 1 after; None: both pooled) at set ``at``."""
    return level_at(s, gap, key, side, float(s.t[at]))


def _rough_dv(s: Series, gap: Gap) -> float:
    a = float(s.a[gap.right[0]])
    v = math.sqrt(MU_KM3_S2 / a) * 1000.0
    return math.hypot(v * gap.shift["a"] / (2 * a), v * gap.shift["i"], v * gap.shift["raan"])


def _candidate(s: Series, gap: Gap, within: tuple[float, float] | None, neighbour_dv: float) -> Candidate:
    b, f = gap.left[-1], gap.right[0]
    a_mid = 0.5 * (s.a[b] + s.a[f])
    v = math.sqrt(MU_KM3_S2 / a_mid) * 1000.0
    along = v * gap.level_shift["a"] / (2 * a_mid)
    cross_i, cross_o = v * gap.level_shift["i"], v * gap.level_shift["raan"]
    cross = math.hypot(cross_i, cross_o)
    z_plane = math.hypot(gap.z["i"], gap.z["raan"])
    # a side of one set: its plane elements are one heavy-tailed fit, and a trim's gap beside a plane change
    # holds part of that change: the plane part counts beside an in-plane step from a higher significance
    lone_side = min(len(gap.left), len(gap.right)) == 1
    sig_along = abs(gap.z["a"]) >= Z_COMPONENT
    sig_cross = z_plane >= Z_COMPONENT + (Z_LONE_EXTRA if lone_side and sig_along else 0.0)
    if sig_along != sig_cross:  # only one component is above the noise: that is the burn's type
        kind = "sma" if sig_along else "inc"
    else:
        kind = "sma" if abs(along) >= cross else "inc"
    parts = [along if sig_along or kind == "sma" else 0.0, cross if sig_cross or kind == "inc" else 0.0]
    dv = math.hypot(*parts)

    e_lv = e_levels(s, gap)

    def leveled(at: int, side: int) -> Any:
        """The set ``at`` at its side's levels; an element whose change Δv leaves out (below the noise) at
        the levels of both sides pooled, so the two trajectories differ by what ``delta_v`` counts."""
        in_plane, plane = side if parts[0] else None, side if parts[1] else None
        inc = _level(s, gap, "i", plane, at)
        raan = math.radians(s.sets[0].raan_deg) + float(s.raan_drift[at]) + _level(
            s, gap, "raan", plane, at) / math.sin(max(inc, 1e-3))
        return level_set(s.sets[at].satrec(), _level(s, gap, "a", in_plane, at), inc, raan,
                         e_lv.at(in_plane, float(s.t[at])))

    t_lo, t_hi = float(s.t[b]), settling.burn_bound(s, b, f)  # the burn is between the two sets
    measured = closest_approach(leveled(b, 0), leveled(f, 1), t_lo, t_hi, plane_change=kind == "inc",
                                within=within)
    # the reported closest approach: both orbits at their levels at the burn, the after-orbit's eccentricity
    # vector the impulsive-burn model's (post_burn_orbit)
    before, after = burn_orbits(s, gap, bool(parts[0]), bool(parts[1]))
    ca = closest_approach(before, after, t_lo, t_hi, plane_change=kind == "inc", within=within)
    sgp4_dv = float(np.linalg.norm(ca.dv_teme_kmps)) * 1000.0
    # the model's features: the closest approach of the measured levels (what it was trained on; how well the
    # measured eccentricity step agrees with the semi-major axis step is itself evidence of a burn)
    measured_dv = float(np.linalg.norm(measured.dv_teme_kmps)) * 1000.0
    near = int(np.count_nonzero(~s.good[max(0, b - 3) : f + 4]))
    feats = maneuver_model.features(gap.z["a"], z_plane, dv, len(gap.left), len(gap.right), gap.spread, gap.edge,
                                    float(s.t[f] - s.t[b]), measured_dv, measured.miss_km, near, neighbour_dv)
    return Candidate(gap, s.sets[b], s.sets[f], kind, dv, along, cross, ca.t_unix, sgp4_dv, ca.miss_km * 1000.0,
                     ca.dv_teme_kmps, tuple(x * 1000.0 for x in ca.dv_rtn_kmps),  # type: ignore[arg-type]
                     feats, round(maneuver_model.probability(feats), 3))


def candidates(history: Sequence[ElementSet] | Series, keys: Sequence[str] = ("a", "i", "raan"),
               z_min: float = Z_CANDIDATE, within: tuple[float, float] | None = None) -> list[Candidate]:
    """Every level shift of at least ``z_min`` on ``keys``, oldest first, scored; ``within`` (unix s) is the
    analysed window, where a plane change whose gap straddles its edge is timed."""
    s = history if isinstance(history, Series) else build_series(history)
    if int(np.count_nonzero(s.good)) < MIN_SETS:
        return []
    return _scored(s, change_points(s, keys, z_min), within)


def _scored(s: Series, gaps: Sequence[Gap], within: tuple[float, float] | None) -> list[Candidate]:
    rough = [_rough_dv(s, g) for g in gaps]
    found = []
    for k, g in enumerate(gaps):  # the largest other change within 1.5 days (a burn's settling fits)
        near = [rough[j] for j, h in enumerate(gaps) if j != k and abs(s.t[h.right[0]] - s.t[g.right[0]]) < 1.5 * 86400]
        found.append(_candidate(s, g, within, max(near, default=0.0)))
    return sorted(found, key=lambda c: c.time_unix)


def learned(history: Sequence[ElementSet], within: tuple[float, float] | None = None) -> list[Candidate]:
    """What method ``ml`` keeps, as candidates (with their features and, for a bend, its ``bend_z``)."""
    return _learned(build_series(history), within)


def _learned(s: Series, within: tuple[float, float] | None) -> list[Candidate]:
    """Method ``ml``: the shifts the model keeps; the least likely rejected one out at a time, the others
    measured again over the sets it had cut off (a fit straddling a burn no longer splits it). Then the fits
    settling after a plane change (``settling``) and straddling an in-plane burn (``_straddled``), then the
    along-track bends (``_with_bends``)."""
    found = candidates(s, within=within)
    while found:
        worst = min(found, key=lambda c: c.probability)
        if worst.probability >= maneuver_model.ML_THRESHOLD:
            break
        found = _scored(s, refit(s, [c.gap for c in found if c is not worst]), within)
    settled = settling.settle(s, [c.gap for c in found], {c.gap.left[-1] for c in found if c.maneuver_type == "inc"})
    if settled is not None:
        found = _scored(s, settled, within)
    return _with_bends(s, _straddled(s, found, within), within)


def _straddled(s: Series, found: list[Candidate], within: tuple[float, float] | None) -> list[Candidate]:
    """Two burns, the second in-plane, with one set between them that cannot be the level before the second by its
    along-track phase (``along_track.level_between``: a fit straddling the first, whose plane it may also have
    bent) are one burn, in the first gap: the set is set aside (``Series.settling``, which bounds the burn's time)
    and the burn measured again; it keeps the larger score of the two."""
    for c1, c2 in zip(found[:-1], found[1:], strict=False):
        if c2.maneuver_type != "sma" or c1.gap.right != c2.gap.left[-1:]:
            continue
        k = c1.gap.right[0]
        if len(c1.gap.right) != 1 or along_track.level_between(s, k, c1.gap.left, c2.gap.right):
            continue
        s.good[k] = False
        s.settling[k] = True
        score = max(c1.probability, c2.probability)
        gaps = refit(s, [c.gap for c in found if c is not c2])
        rescored = _scored(s, gaps, within)
        kept = {c.gap.left[-1]: c.probability for c in found}
        out = [replace(c, probability=score if c.gap.left[-1] == c1.gap.left[-1] else kept.get(c.gap.left[-1],
                                                                                              c.probability))
               for c in rescored]
        return _straddled(s, out, within)
    return found


def _with_bends(s: Series, found: list[Candidate], within: tuple[float, float] | None) -> list[Candidate]:
    """In-plane burns the semi-major axis left in its noise, seen as bends of the along-track phase of at
    least ``Z_BEND`` standard errors (``along_track``) at gaps where nothing was kept. Each is sized by the
    slope change (a more precise Δa than the levels give), in-plane only, and scored by its bend
    (``bend_probability``); the burns kept before are measured again with it, keeping their scores."""
    idx = np.flatnonzero(s.good)
    position = {int(v): p for p, v in enumerate(idx)}
    cuts = [position[c.gap.left[-1]] for c in found if c.gap.left[-1] in position]
    a = float(np.median(s.a[idx])) if len(idx) else 1.0
    v = math.sqrt(MU_KM3_S2 / a) * 1000.0
    new = {int(idx[b.position]): b for b in along_track.bends(s, cuts, Z_BEND)
           if v * abs(b.da_km) / (2 * a) >= BEND_MIN_DV_MPS}
    if not new:
        return found
    gaps = refit(s, [c.gap for c in found], list(new))
    kept = {c.gap.left[-1]: c.probability for c in found}
    for g in gaps:
        bend = new.get(g.left[-1])
        if bend is None:
            continue
        before, _, slope = g.levels["a"]
        g.levels["a"] = (before, before + bend.da_km, slope)
        g.level_shift["a"] = bend.da_km
        g.z["a"] = math.copysign(max(abs(g.z["a"]), Z_COMPONENT), bend.da_km)
        g.z["i"] = g.z["raan"] = 0.0  # the bend is the burn's in-plane part; its plane shifts are noise
    out = []
    for c in _scored(s, gaps, within):
        bend = new.get(c.gap.left[-1])
        if bend is not None:
            out.append(replace(c, bend_z=bend.z, probability=round(maneuver_model.bend_probability(bend.z), 3)))
        else:  # a burn kept before keeps its score (the model saw it without the new neighbour)
            out.append(replace(c, probability=kept.get(c.gap.left[-1], c.probability)))
    return out


def _overlap(a: Candidate, b: Candidate) -> bool:
    """The two gaps overlap or share a set (the same burn placed one set apart by the two detectors)."""
    return a.before.epoch_unix_s <= b.after.epoch_unix_s and b.before.epoch_unix_s <= a.after.epoch_unix_s


def _as_maneuver(c: Candidate, method: str) -> Maneuver:
    kind = c.maneuver_type if method == "ml" else method
    dv = c.dv_mps if method == "ml" else abs(c.dv_along_mps) if method == "sma" else c.dv_cross_mps
    return Maneuver(c.before, c.after, kind, dv, c.time_unix, c.sgp4_delta_v_mps, c.position_error_m,
                    c.dv_vector_kmps, c.dv_rtn_mps, c.dv_along_mps, c.dv_cross_mps, c.probability)


def detect(history: Sequence[ElementSet], *, method: str = "ml", mindv_mps: float = 0.01,
           maxdv_mps: float = 50.0, within: tuple[float, float] | None = None) -> tuple[list[Maneuver], dict[str, Any]]:
    """Maneuvers in ONE satellite's history, plus the time series used (epochs, a, i) for plotting; the
    series says ``insufficient_history`` when fewer than ``MIN_SETS`` usable sets leave nothing detectable."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    s = build_series(history)
    series: dict[str, Any] = {
        "epochs": [x.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ") for x in s.sets],
        "semi_major_axis_km": s.a.round(4).tolist(),
        "inclination_deg": [round(x.inclination_deg, 5) for x in s.sets],
        "outlier_epochs": [x.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ") for x, ok in zip(s.sets, s.good, strict=True)
                           if not ok],
        "insufficient_history": int(np.count_nonzero(s.good)) < MIN_SETS,
    }
    learned = _learned(s, within)
    if method == "ml":
        found = learned
    else:  # the physical detector's shifts, each with the probability of the learned one over the same gap
        found = [replace(c, probability=max((m.probability for m in learned if _overlap(m, c)), default=c.probability))
                 for c in candidates(build_series(history), _KEYS[method], Z_PHYSICAL, within)]
    out = [_as_maneuver(c, method) for c in found]
    return [m for m in out if mindv_mps <= m.delta_v_mps <= maxdv_mps], series


def _utc_text(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(t_unix: float) -> str:
    return _utc_text(datetime.fromtimestamp(t_unix, UTC))


def maneuver_report(norad_ids: Sequence[int], start_date: date, end_date: date,
                    histories: Mapping[int, Sequence[ElementSetRecord]], *, method: str = "ml",
                    mindv_mps: float = 0.01, maxdv_mps: float = 50.0, name: str | None = None) -> dict[str, Any]:
    """The maneuver-detection result document (seed 002's answer, recorded as the job's result) for the UTC
    days ``start_date``..``end_date`` (both included) of each satellite's element-set history (oldest first).
    Sets up to ``EDGE_MARGIN`` outside the window judge its edges (a bad set at the window's edge is an outlier
    against them, a burn just inside is seen); only maneuvers timed inside the window are reported. A satellite
    with no element set at all is refused (``NotFound`` naming it); one with too few sets in the window is listed
    in ``insufficient_history`` with the reason."""
    start = datetime.combine(start_date, datetime.min.time(), UTC)
    end = datetime.combine(end_date, datetime.min.time(), UTC) + timedelta(days=1)
    if start < end:
        empty = [n for n in norad_ids if not histories.get(n)]
        if empty:
            raise NotFound(f"no element-set history for NORAD id(s) {', '.join(map(str, empty))}")
    maneuvers: list[dict[str, Any]] = []
    plots: dict[str, Any] = {}
    insufficient: dict[str, str] = {}
    for norad in norad_ids:
        history = histories.get(norad, ())
        used = [h for h in history if start - EDGE_MARGIN <= h.epoch < end + EDGE_MARGIN]
        inside = sum(1 for h in used if start <= h.epoch < end)
        sets = [parse_tle(h.line1, h.line2, h.name) for h in used]
        found, series = detect(sets, method=method, mindv_mps=mindv_mps, maxdv_mps=maxdv_mps,
                               within=(start.timestamp(), end.timestamp()))
        plots[str(norad)] = series
        if series["insufficient_history"] or inside < 2:
            insufficient[str(norad)] = (f"{inside} element set(s) in the window ({len(used)} with the "
                                        f"{EDGE_MARGIN.days} days either side): at least {MIN_SETS} usable sets "
                                        "are needed to detect a maneuver")
        for m in found:
            if not start.timestamp() <= m.time_unix < end.timestamp():
                continue
            a0 = float(semi_major_axis_km(m.before.mean_motion_rev_per_day))
            a1 = float(semi_major_axis_km(m.after.mean_motion_rev_per_day))
            maneuvers.append({
                "norad_id": norad,
                "date": _utc(m.time_unix),
                "delta_v": round(m.delta_v_mps, 4),
                "maneuver_type": m.maneuver_type,
                "orbital_elements_before": {"semi_major_axis": round(a0, 3), "eccentricity": m.before.eccentricity,
                                            "inclination": m.before.inclination_deg},
                "orbital_elements_after": {"semi_major_axis": round(a1, 3), "eccentricity": m.after.eccentricity,
                                           "inclination": m.after.inclination_deg},
                "sgp4_delta_v_mps": round(m.sgp4_delta_v_mps, 4),
                "maneuver_time_utc": _utc(m.time_unix),
                "position_error_m": round(m.position_error_m, 1),
                "dv_vector_kmps": [round(x, 7) for x in m.dv_vector_kmps],
                "dv_rtn_mps": [round(x, 4) for x in m.dv_rtn_mps],
                "gve_delta_v_mps": {"along_track": round(m.gve_dv_along_mps, 4),
                                    "cross_track": round(m.gve_dv_cross_mps, 4)},
                "time_series_data": {"epoch_before": _utc_text(m.before.epoch_utc),
                                     "epoch_after": _utc_text(m.after.epoch_utc)},
                "probability": m.probability,
            })
    maneuvers.sort(key=lambda m: (m["date"], m["norad_id"]))
    types = Counter(m["maneuver_type"] for m in maneuvers)
    return {
        "norad_ids": list(norad_ids),
        "date_range": {"start_date": start_date.isoformat(), "end_date": end_date.isoformat()},
        "maneuvers": maneuvers,
        "total_maneuvers": len(maneuvers),
        "data_source": "groundlink_element_set_history",
        "name": name,
        "time_series_plot_data": plots,
        "Maneuver_magnitude": [m["delta_v"] for m in maneuvers],
        "Epoch_start": [m["time_series_data"]["epoch_before"] for m in maneuvers],
        "Epoch_end": [m["time_series_data"]["epoch_after"] for m in maneuvers],
        "Maneuver_type": types.most_common(1)[0][0] if types else None,
        "probability": [m["probability"] for m in maneuvers],
        "insufficient_history": insufficient,
    }
