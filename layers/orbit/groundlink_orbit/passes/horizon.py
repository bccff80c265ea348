"""Horizon masks: passes trimmed to the part where the satellite is above a station's mask.

A mask is azimuth → minimum elevation, linear between its points and wrapping at 360°.  The caller finds the
passes at (or below) the mask's lowest elevation; ``trim_to_horizon`` then samples every pass of a masked
station at once (one SGP4 call per satellite), keeps the runs of samples above the mask, and refines each
crossing by bisection on exact SGP4 states (all crossings at once) to ``tolerance_s``.  A pass entirely below
the mask disappears; a pass that dips under a raised part of the mask becomes two.  Features of the mask
shorter than one step of track may be stepped over: ``step_s`` (10 s) for passes up to 40 minutes, coarser for
longer ones (``pass_steps``: a MEO or geostationary pass moves slowly across the sky).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..frames import SPEED_OF_LIGHT_KM_S, sunlit_ecef, topocentric
from ..propagation import propagate_pairs_ecef
from .table import PassTable

Mask = tuple[npt.ArrayLike, npt.ArrayLike]  # (azimuths_deg sorted in [0, 360), minimum elevations_deg)


def mask_elevation(azimuth_deg: npt.ArrayLike, mask: Mask) -> np.ndarray:
    """The mask's minimum elevation at each azimuth (linear, wrapping at 360°)."""
    xp = np.asarray(mask[0], dtype=float)
    fp = np.asarray(mask[1], dtype=float)
    az = np.asarray(azimuth_deg, dtype=float)
    if len(xp) == 0:
        raise ValueError("a mask needs at least one point")
    if len(xp) == 1:
        return np.full(az.shape, fp[0])
    return np.interp(az % 360.0, xp, fp, period=360.0)


class _Looker:
    """Look angles of (satellite, station) pairs at given times, from one table's element sets and stations."""

    def __init__(self, table: PassTable) -> None:
        assert table.stations is not None, "a table with passes keeps its station frame"
        self.st = table.stations
        self.satrecs = [es.satrec() for es in table.element_sets]

    def __call__(self, sat: np.ndarray, station: np.ndarray, t: np.ndarray):
        _, r, v = propagate_pairs_ecef(self.satrecs, sat.astype(np.int64), t)
        st = self.st
        az, el, rng, rate = topocentric(r, v, st.position_km[station], st.east[station], st.north[station],
                                        st.up[station])
        return az, el, rng, rate, r


SAMPLES_PER_PASS = 240  # a long pass (MEO, GEO) is sampled more coarsely: at most about this many steps
MAX_STEP_S = 300.0


def pass_steps(rise: np.ndarray, fall: np.ndarray, step_s: float) -> np.ndarray:
    """The sampling step of each pass: ``step_s``, or coarser for a pass longer than ``SAMPLES_PER_PASS`` steps
    (up to ``MAX_STEP_S``): a geostationary pass of a week is not sampled 60,000 times."""
    return np.clip((fall - rise) / SAMPLES_PER_PASS, step_s, max(step_s, MAX_STEP_S))


def _samples(rise: np.ndarray, fall: np.ndarray, step: np.ndarray):
    """Times rise, rise+step, …, set (inclusive) of every pass: (times, pass of each sample, offsets)."""
    counts = np.floor((fall - rise) / step).astype(np.int64) + 1
    counts -= (rise + (counts - 1) * step >= fall) & (counts > 1)
    lengths = counts + 1
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    pass_of = np.repeat(np.arange(len(rise)), lengths)
    k = np.arange(offsets[-1]) - offsets[pass_of]
    times = np.where(k == lengths[pass_of] - 1, fall[pass_of], rise[pass_of] + k * step[pass_of])
    return times, pass_of, offsets


def trim_to_horizon(
    table: PassTable,
    masks: Sequence[Mask | None],
    floor_deg: npt.ArrayLike = -90.0,
    carrier_hz: float | None = None,
    step_s: float = 10.0,
    tolerance_s: float = 0.01,
) -> PassTable:
    """``table`` with the passes of every station that has a mask (``masks[station_index]``) cut to where the
    elevation exceeds ``max(floor_deg[station], mask(azimuth))``; rows of unmasked stations are kept as they are.
    ``table`` must have been found at or below each masked station's lowest effective elevation."""
    if not (step_s > 0 and math.isfinite(step_s)) or not tolerance_s > 0:
        raise ValueError("step_s and tolerance_s must be positive")
    n_st = len(masks)
    floor = np.broadcast_to(np.asarray(floor_deg, dtype=float), (n_st,)).copy() if n_st else np.empty(0)
    masked_station = np.array([m is not None for m in masks], dtype=bool)
    if len(table) == 0 or not masked_station.any():
        return table
    rows = np.flatnonzero(masked_station[table.station_index])
    keep = np.flatnonzero(~masked_station[table.station_index])
    look = _Looker(table)
    sat, stn = table.sat_index[rows], table.station_index[rows]
    rise, fall = table.rise_unix_s[rows].astype(float), table.set_unix_s[rows].astype(float)

    def limit(az: np.ndarray, station: np.ndarray) -> np.ndarray:
        out = np.empty(az.shape)
        for s in np.unique(station).tolist():
            sel = station == s
            mask = masks[s]
            assert mask is not None
            out[sel] = mask_elevation(az[sel], mask)
        return np.maximum(out, floor[station])

    def above(s_idx: np.ndarray, st_idx: np.ndarray, t: np.ndarray) -> np.ndarray:
        az, el, *_ = look(s_idx, st_idx, t)
        return el - limit(az, st_idx)

    steps = pass_steps(rise, fall, step_s)
    times, pass_of, offsets = _samples(rise, fall, steps)
    sample_az, sample_el, *_ = look(sat[pass_of], stn[pass_of], times)
    f = sample_el - limit(sample_az, stn[pass_of])
    up = f > 0
    first = np.zeros(len(times), dtype=bool)
    first[offsets[:-1]] = True
    last = np.zeros(len(times), dtype=bool)
    last[offsets[1:] - 1] = True
    prev_up = np.concatenate(([False], up[:-1])) & ~first
    next_up = np.concatenate((up[1:], [False])) & ~last
    starts = np.flatnonzero(up & ~prev_up)
    ends = np.flatnonzero(up & ~next_up)  # paired with starts, in order (runs do not cross passes)

    def refine(k: np.ndarray) -> np.ndarray:
        """The crossing between samples k and k+1 (same pass, one side above): regula falsi with the Illinois
        modification on exact SGP4 states, all crossings at once, each until it moved less than ``tolerance_s``
        or its bracket is narrower (bisection steps once the interpolation stalls). Each crossing stops on its
        own: its result does not depend on the other passes trimmed with it (the pass cache trims passes alone)."""
        lo, hi = times[k].copy(), times[k + 1].copy()
        f_lo, f_hi = f[k].copy(), f[k + 1].copy()
        s_idx, st_idx = sat[pass_of[k]], stn[pass_of[k]]
        t = lo.copy()
        side = np.zeros(len(k), dtype=np.int8)  # which end was kept last time (Illinois halves its value)
        active = np.arange(len(k))
        for _ in range(60):
            if active.size == 0:
                break
            a_lo, a_hi, a_flo, a_fhi = lo[active], hi[active], f_lo[active], f_hi[active]
            denom = a_fhi - a_flo
            guess = np.where(denom != 0, a_lo - a_flo * (a_hi - a_lo) / np.where(denom != 0, denom, 1.0),
                             0.5 * (a_lo + a_hi))
            guess = np.where((guess > a_lo) & (guess < a_hi), guess, 0.5 * (a_lo + a_hi))
            moved = np.abs(guess - t[active])
            t[active] = guess
            going = ~((moved < tolerance_s) | (a_hi - a_lo < tolerance_s))
            active, guess = active[going], guess[going]
            if active.size == 0:
                break
            a_lo, a_hi, a_flo, a_fhi, a_side = lo[active], hi[active], f_lo[active], f_hi[active], side[active]
            ft = above(s_idx[active], st_idx[active], guess)
            same_lo = np.sign(ft) == np.sign(a_flo)
            lo[active], f_lo[active] = np.where(same_lo, guess, a_lo), np.where(same_lo, ft, a_flo)
            a_fhi = np.where(same_lo, a_fhi, ft)
            hi[active] = np.where(same_lo, a_hi, guess)
            f_hi[active] = np.where(same_lo & (a_side == 1), 0.5 * a_fhi, a_fhi)
            f_lo[active] = np.where(~same_lo & (a_side == -1), 0.5 * f_lo[active], f_lo[active])
            side[active] = np.where(same_lo, 1, -1).astype(np.int8)
        return t

    seg_pass = pass_of[starts]
    seg_rise = times[starts].copy()
    inner = ~first[starts]
    seg_rise[inner] = refine(starts[inner] - 1)
    seg_set = times[ends].copy()
    inner_end = ~last[ends]
    seg_set[inner_end] = refine(ends[inner_end])

    # culmination: the original one when the segment holds it, else the highest sample or edge of the segment
    orig = rows[seg_pass]
    culm_t = table.culmination_unix_s[orig].astype(float).copy()
    holds = (seg_rise <= culm_t) & (culm_t <= seg_set)
    if (~holds).any():
        for j in np.flatnonzero(~holds).tolist():
            a, b = starts[j], ends[j]
            best = a + int(np.argmax(sample_el[a:b + 1]))
            culm_t[j] = times[best]
    s_seg, st_seg = sat[seg_pass], stn[seg_pass]
    r_az, _, _, r_rate, _ = look(s_seg, st_seg, seg_rise)
    s_az, _, _, s_rate, _ = look(s_seg, st_seg, seg_set)
    _, c_el, c_rng, _, c_r = look(s_seg, st_seg, culm_t)
    max_el = np.where(holds, table.max_elevation_deg[orig], c_el)
    slant = np.where(holds, table.slant_range_km[orig], c_rng)
    sunlit = np.where(holds, table.sunlit[orig], sunlit_ecef(c_r, culm_t) if len(culm_t) else np.empty(0, bool))

    def col(name: str, new: np.ndarray) -> np.ndarray:
        return np.concatenate((getattr(table, name)[keep], new))

    doppler_rise = doppler_set = None
    if carrier_hz is not None:
        if not (math.isfinite(carrier_hz) and carrier_hz > 0):
            raise ValueError("carrier_hz must be a positive frequency")
        kept_rise = table.doppler_rise_hz[keep] if table.doppler_rise_hz is not None else np.full(len(keep), np.nan)
        kept_set = table.doppler_set_hz[keep] if table.doppler_set_hz is not None else np.full(len(keep), np.nan)
        doppler_rise = np.concatenate((kept_rise, -carrier_hz * r_rate / SPEED_OF_LIGHT_KM_S))
        doppler_set = np.concatenate((kept_set, -carrier_hz * s_rate / SPEED_OF_LIGHT_KM_S))
    rise_all = col("rise_unix_s", seg_rise)
    order = np.argsort(rise_all, kind="stable")
    out = PassTable(
        sat_index=col("sat_index", s_seg)[order],
        station_index=col("station_index", st_seg)[order],
        rise_unix_s=rise_all[order],
        set_unix_s=col("set_unix_s", seg_set)[order],
        culmination_unix_s=col("culmination_unix_s", culm_t)[order],
        rise_azimuth_deg=col("rise_azimuth_deg", r_az)[order],
        set_azimuth_deg=col("set_azimuth_deg", s_az)[order],
        max_elevation_deg=col("max_elevation_deg", max_el)[order],
        slant_range_km=col("slant_range_km", slant)[order],
        starts_before_window=col("starts_before_window", table.starts_before_window[orig] & ~inner)[order],
        ends_after_window=col("ends_after_window", table.ends_after_window[orig] & ~inner_end)[order],
        sunlit=col("sunlit", sunlit.astype(bool))[order],
        doppler_rise_hz=doppler_rise[order] if doppler_rise is not None else None,
        doppler_set_hz=doppler_set[order] if doppler_set is not None else None,
        sat_error_code=table.sat_error_code,
        sat_error_unix_s=table.sat_error_unix_s,
        ut1_extrapolated=table.ut1_extrapolated,
        element_sets=table.element_sets,
        stations=table.stations,
    )
    return out
