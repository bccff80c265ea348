"""A pass analysis computed in chunks and merged is the unsplit computation: exactly, for the splits the planner
makes of any accepted request (satellites, ground points); and for time ranges the merge joins the windows cut
at a chunk boundary into the unsplit ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from groundlink_orbit import parse_tle

from shared.domain.jobs.analysis.coverage import analyse, compute_chunk, ground_points, merge
from shared.domain.jobs.chunks import plan_chunks

START = 1776384000.0  # 2026-04-17T00:00:00Z
POLYGON = {"type": "Feature", "properties": {},
           "geometry": {"type": "Polygon", "coordinates": [[[10, 45], [25, 45], [25, 60], [10, 60], [10, 45]]]}}


def demo_sets(n: int) -> list:
    lines = (Path(__file__).parents[2] / "shared" / "demo_data" / "satellites.tle").read_text().splitlines()
    return [parse_tle(line, lines[i + 1], lines[i - 1].strip()) for i, line in enumerate(lines)
            if line.startswith("1 ")][:n]


def split(sets, geometry, start, end, budget, min_el=10, max_el=80, resolution=1):
    lat, lon, tile = ground_points(geometry)
    plan = plan_chunks(len(sets), len(lat), start, end, budget)
    parts = [compute_chunk(sets[c.sat_lo:c.sat_hi], lat[c.point_lo:c.point_hi], lon[c.point_lo:c.point_hi],
                           c.start_s, c.end_s, min_el, max_el, resolution, sat_offset=c.sat_lo,
                           point_offset=c.point_lo) for c in plan]
    return plan, merge(iter(parts), [s.norad_id for s in sets], lat, lon, tile, start, end)


@pytest.fixture(scope="module")
def unsplit():
    sets = demo_sets(8)
    return sets, analyse(sets, POLYGON, START, START + 86400, 10, 80, 1)


@pytest.mark.parametrize(("budget", "chunks"), [
    (8 * 400 * 1440, 1),  # the whole job in one chunk
    (3 * 400 * 1440, 3),  # satellites split: 3, 3, 2
    (400 * 1440, 8),  # one satellite a chunk
    (150 * 1440, 24),  # one satellite × a third of the points a chunk
])
def test_satellite_and_point_chunks_merge_to_the_unsplit_result_exactly(unsplit, budget, chunks):
    sets, reference = unsplit
    plan, merged = split(sets, POLYGON, START, START + 86400, budget)
    assert len(plan) == chunks
    assert merged == reference  # every field, every value
    assert sum(map(sum, reference["Access_norad"])) > 100  # a result with substance


def test_windows_cut_at_a_time_boundary_join_as_in_the_unsplit_result():
    # Given a satellite seen from point 0 over [70, 120] and from point 1 over [90, 150] and [180, 190], the
    # window of the whole job [0, 200] cut at 100 into two chunks
    lat, lon = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    t = START
    whole = {"pairs": [[0, 0, 50.0], [0, 1, 70.0]], "windows": [[0, [[t + 70, t + 150], [t + 180, t + 190]]]]}
    first = {"pairs": [[0, 0, 30.0], [0, 1, 10.0]], "windows": [[0, [[t + 70, t + 100]]]]}
    second = {"pairs": [[0, 0, 20.0], [0, 1, 60.0]], "windows": [[0, [[t + 100, t + 150], [t + 180, t + 190]]]]}
    # When the chunks are merged
    merged = merge([first, second], [7], lat, lon, None, t, t + 200)
    # Then it is the unsplit result: the cut windows joined, durations summed, the blind periods the same
    assert merged == merge([whole], [7], lat, lon, None, t, t + 200)
    assert merged["timestamp"] == [[["2026-04-17T00:01:10+00:00", "2026-04-17T00:02:30+00:00"],
                                    ["2026-04-17T00:03:00+00:00", "2026-04-17T00:03:10+00:00"]]]
    assert merged["duration_norad"] == [[50.0, 70.0]] and merged["Access_norad"] == [[1, 1]]
    assert merged["blindstamp"] == [["2026-04-17T00:00:00+00:00", "2026-04-17T00:01:10+00:00"],
                                    ["2026-04-17T00:02:30+00:00", "2026-04-17T00:03:00+00:00"],
                                    ["2026-04-17T00:03:10+00:00", "2026-04-17T00:03:20+00:00"]]


def test_time_chunks_with_boundaries_inside_passes_merge_to_the_unsplit_windows(unsplit):
    # Given the day cut into five time chunks of 288 minutes (the planner's time ranges), boundaries inside passes
    sets, reference = unsplit
    lat, lon, tile = ground_points(POLYGON)
    ranges = sorted({(c.start_s, c.end_s) for c in plan_chunks(1, 1, START, START + 86400, budget=288)})
    assert len(ranges) == 5
    crossing = [w for ws in reference["timestamp"] for w in ws if any(w[0] < _iso(a) < w[1] for a, _ in ranges)]
    assert crossing, "no pass crosses a boundary: the case tests nothing"
    # When each is computed on its own and merged
    parts = (compute_chunk(sets, lat, lon, a, b, 10, 80, 1) for a, b in ranges)
    merged = merge(parts, [s.norad_id for s in sets], lat, lon, tile, START, START + 86400)
    # Then every window (joined across the boundaries), blind period and access flag is the unsplit one
    for field in ("timestamp", "blindstamp", "Access_norad", "norad_ids", "ground_points", "tile_size_deg"):
        assert merged[field] == reference[field], field
    # and the durations too, within the orbit core's stated edge precision (< 1 ms, root-found on each chunk's
    # own search grid), shown to 0.1 s
    assert np.abs(np.array(merged["duration_norad"]) - np.array(reference["duration_norad"])).max() <= 0.1 + 1e-9


def _iso(t: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _united_one_by_one(sat, start, end) -> list:
    """What ``compute_chunk`` answered before it was vectorised: each satellite's windows sorted and united."""
    per_sat: dict[int, list[tuple[float, float]]] = {}
    for s, a, b in zip(sat.tolist(), start.tolist(), end.tolist(), strict=True):
        per_sat.setdefault(s, []).append((a, b))
    out = []
    for s, ws in sorted(per_sat.items()):
        united: list[list[float]] = []
        for a, b in sorted(ws):
            if united and a <= united[-1][1]:
                united[-1][1] = max(united[-1][1], b)
            else:
                united.append([a, b])
        out.append((s, united))
    return out


def test_each_satellites_windows_are_united_as_one_by_one_touching_nested_and_unsorted():
    from shared.domain.jobs.analysis.coverage import _united_by_satellite

    rng = np.random.default_rng(11)
    sat = rng.integers(0, 6, 400)
    start = np.round(rng.uniform(0, 1000, 400))  # whole seconds: many windows start where another ends
    end = start + np.round(rng.uniform(0, 60, 400))
    sat = np.concatenate([sat, [9, 9, 9]])  # nested: [0, 100] holds [10, 20]; [100, 110] touches it
    start, end = np.concatenate([start, [10.0, 0.0, 100.0]]), np.concatenate([end, [20.0, 100.0, 110.0]])
    united = _united_by_satellite(sat, start, end)
    assert united == _united_one_by_one(sat, start, end)
    assert united[-1] == (9, [[0.0, 110.0]])
    assert _united_by_satellite(np.array([], dtype=int), np.array([]), np.array([])) == []
