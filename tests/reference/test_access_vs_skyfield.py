"""Access windows (the coverage path) against a dense Skyfield sampling.

30 real satellites × the 9 tile centres of a 3°×3° polygon (1° tiles) × 1 day, elevation between 10° and 60°
(the upper limit exercises the windows cut out above it). Skyfield positions (ITRS) every second, elevation from
the WGS-84 normal of each point, windows as the runs of samples inside the band.

Tolerances (seconds):
- every sampled window is matched by exactly one of ours and every one of ours by one sampled window, except
  windows shorter than 2 s, which a 1 s sampling may miss or see (reported, at most a handful);
- each edge lies inside the 1 s bracket of samples around the sampled transition (± 10 ms);
- each edge is within 0.05 s of the transition linearly interpolated between the two samples, where the
  elevation moves by more than 0.005° in that second (elsewhere the band edge is nearly tangent and the
  linear interpolation itself is not accurate to 0.05 s).
"""

from __future__ import annotations

import groundlink_orbit as go
import numpy as np
import pytest

from .skyfield_reference import WINDOW_START_UNIX_S, load_snapshot, timescale, unix_to_time

pytestmark = pytest.mark.slow
START = WINDOW_START_UNIX_S
END = START + 86400.0
LO_DEG, HI_DEG = 10.0, 60.0
POLYGON = {"type": "Polygon", "coordinates": [[[16.0, 57.0], [19.0, 57.0], [19.0, 60.0], [16.0, 60.0], [16.0, 57.0]]]}
BRACKET_SLACK_S = 0.01
INTERPOLATED_TOLERANCE_S = 0.05
SHORT_S = 2.0


def _sampled_elevation(ts, element_set, lat_deg, lon_deg, sky_times):
    from skyfield.api import EarthSatellite, wgs84
    from skyfield.framelib import itrs

    sat = EarthSatellite(element_set.line1, element_set.line2, element_set.name, ts)
    r = sat.at(sky_times).frame_xyz(itrs).km.T  # T×3 (one Time object: its rotations are computed once)
    ground = np.array([wgs84.latlon(a, b).itrs_xyz.km for a, b in zip(lat_deg, lon_deg, strict=True)])
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    rho = r[None] - ground[:, None]
    return np.degrees(np.arcsin(np.einsum("mtk,mk->mt", rho, up) / np.linalg.norm(rho, axis=2)))  # M×T


def _runs(inside: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) sample index of each run of True."""
    edges = np.diff(np.r_[0, inside.astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True))


def _crossing(times, el, i, j, limit):
    """Time where the elevation crosses ``limit`` between samples i and j, linearly; None if nearly tangent."""
    a, b = el[i] - limit, el[j] - limit
    if abs(b - a) < 0.005:
        return None
    return times[i] + (times[j] - times[i]) * a / (a - b)


def test_access_window_edges_match_a_dense_skyfield_sampling():
    sets = load_snapshot(30)
    lat, lon = go.geojson_ground_points(POLYGON, 1.0)
    assert len(lat) == 9
    table = go.access_windows(sets, lat, lon, START, END, LO_DEG, HI_DEG, 60.0)
    ts = timescale()
    times = np.arange(START, END + 0.5, 1.0)
    sky_times = unix_to_time(ts, times)
    problems: list[str] = []
    short_unmatched = 0
    worst_interpolated = 0.0
    matched = 0
    for i, es in enumerate(sets):
        el = _sampled_elevation(ts, es, lat, lon, sky_times)
        for p in range(len(lat)):
            sel = (table.sat_index == i) & (table.point_index == p)
            ours = sorted(zip(table.start_unix_s[sel].tolist(), table.end_unix_s[sel].tolist(), strict=True))
            theirs = _runs((el[p] >= LO_DEG) & (el[p] <= HI_DEG))
            used = [False] * len(ours)
            for first, last in theirs:
                hits = [k for k, (a, b) in enumerate(ours) if a <= times[last] + 1.0 and b >= times[first] - 1.0]
                if len(hits) != 1:
                    if times[last] - times[first] < SHORT_S:
                        short_unmatched += 1
                        continue
                    problems.append(f"sat {es.norad_id} point {p}: sampled window {times[first]:.0f}.."
                                    f"{times[last]:.0f} matches {len(hits)} of ours")
                    continue
                k = hits[0]
                used[k] = True
                matched += 1
                a, b = ours[k]
                lo_a = times[first - 1] if first > 0 else START
                hi_b = times[last + 1] if last + 1 < times.size else END
                if not (lo_a - BRACKET_SLACK_S <= a <= times[first] + BRACKET_SLACK_S):
                    problems.append(f"sat {es.norad_id} point {p}: start {a:.3f} outside [{lo_a}, {times[first]}]")
                if not (times[last] - BRACKET_SLACK_S <= b <= hi_b + BRACKET_SLACK_S):
                    problems.append(f"sat {es.norad_id} point {p}: end {b:.3f} outside [{times[last]}, {hi_b}]")
                for edge, inner, outer in ((a, first, first - 1), (b, last, last + 1)):
                    if not 0 <= outer < times.size:
                        assert edge in (START, END)  # clamped to the window
                        continue
                    limit = LO_DEG if el[p][outer] < LO_DEG else HI_DEG
                    t_lin = _crossing(times, el[p], inner, outer, limit)
                    if t_lin is not None:
                        worst_interpolated = max(worst_interpolated, abs(edge - t_lin))
                        if abs(edge - t_lin) > INTERPOLATED_TOLERANCE_S:
                            problems.append(f"sat {es.norad_id} point {p}: edge {edge:.3f} vs interpolated "
                                            f"{t_lin:.3f}")
            for k, (a, b) in enumerate(ours):
                if not used[k]:
                    if b - a < SHORT_S:
                        short_unmatched += 1
                    else:
                        problems.append(f"sat {es.norad_id} point {p}: our window {a:.1f}..{b:.1f} not sampled")
    print(f"\n{matched} windows matched; worst edge vs interpolated sampling {worst_interpolated * 1000:.1f} ms; "
          f"{short_unmatched} windows shorter than {SHORT_S:g} s unmatched")
    assert matched > 200  # the case is not empty: passes over Sweden at 10..60 deg
    assert short_unmatched <= 5
    assert not problems, "\n".join(problems[:20])
