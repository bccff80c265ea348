"""Pass analysis over a GeoJSON ground location (the pass-analysis job), on the orbit core.

Ground points: a Point is one point, a LineString its vertices, a Polygon the tiles of seed 003's
decomposition (bounding rectangle cut into squares of ``tile_size_deg``, tiles missing the polygon
dropped). The tile size grows with the area so that at most ``MAX_POINTS`` points are analysed.

Result (seed 002's task result):
* ``Access_norad[i][j]`` — 1 if satellite i is seen from ground point j between the minimum and maximum
  elevation at any time in the window, else 0;
* ``duration_norad[i][j]`` — seconds of such visibility;
* ``timestamp[i]`` — satellite i's access windows over the whole location (union over points), as
  ``[start, end]`` ISO pairs;
* ``blindstamp`` — the parts of the window when no satellite sees any point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from groundlink_orbit import ElementSet, access_windows, geojson_ground_points

from shared.domain.jobs.analysis import AnalysisError

MAX_POINTS = 400
DEFAULT_TILE_DEG = 0.5


def _iso(t: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def ground_points(geometry: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Points to analyse and the tile size used (None for points and lines). ``AnalysisError``:
    ``EXTENT-TOO-SMALL`` for a polygon without area, ``EXTENT-TOO-LARGE`` beyond ``MAX_POINTS`` points,
    ``INVALID-GEOJSON`` for a geometry the orbit core cannot read."""
    kind = (geometry.get("geometry") or {}).get("type") if geometry.get("type") == "Feature" else geometry.get("type")
    if kind != "Polygon":
        lat, lon = _points(geometry, DEFAULT_TILE_DEG)
        if len(lat) > MAX_POINTS:
            raise AnalysisError(f"the line has {len(lat)} points; at most {MAX_POINTS} are analysed",
                                "EXTENT-TOO-LARGE")
        return lat, lon, None
    rings = (geometry.get("geometry") or geometry).get("coordinates") or []
    try:
        xs = [float(p[0]) for p in rings[0]]
        ys = [float(p[1]) for p in rings[0]]
        bbox_area = (max(xs) - min(xs)) * (max(ys) - min(ys))
    except (TypeError, ValueError, IndexError):
        bbox_area = 0.0
    # start from the tile size that gives about MAX_POINTS tiles over the bounding box, then grow it
    tile = max(DEFAULT_TILE_DEG, math.sqrt(bbox_area / MAX_POINTS) if bbox_area > 0 else DEFAULT_TILE_DEG)
    for _ in range(20):
        lat, lon = _points(geometry, tile)
        if len(lat) == 0:
            raise AnalysisError("the polygon has no area: no ground point lies inside it", "EXTENT-TOO-SMALL")
        if len(lat) <= MAX_POINTS:
            return lat, lon, tile
        tile *= math.sqrt(len(lat) / MAX_POINTS) * 1.05
    raise AnalysisError(f"the polygon cannot be decomposed into at most {MAX_POINTS} tiles", "EXTENT-TOO-LARGE")


def _points(geometry: dict[str, Any], tile_size_deg: float) -> tuple[np.ndarray, np.ndarray]:
    try:
        return geojson_ground_points(geometry, tile_size_deg)
    except ValueError as exc:
        raise AnalysisError(str(exc), "INVALID-GEOJSON") from None


def compute_chunk(element_sets: Sequence[ElementSet], lat: np.ndarray, lon: np.ndarray, start_unix_s: float,
                  end_unix_s: float, min_elevation_deg: float, max_elevation_deg: float, time_resolution_s: float,
                  *, sat_offset: int = 0, point_offset: int = 0) -> dict[str, Any]:
    """One chunk of a pass analysis: ``element_sets`` (the job's satellites from ``sat_offset``) over the ground
    points ``lat``/``lon`` (the job's from ``point_offset``) in ``[start_unix_s, end_unix_s]``, reduced to what
    the merge needs (JSON, indices global to the job):

    * ``pairs`` — ``[sat, point, seconds]`` for every satellite × point seen in the chunk (seconds summed over its
      windows, in start order);
    * ``windows`` — ``[sat, [[start, end], ...]]``: each satellite's windows over the chunk's points, united.

    A window that crosses the chunk's time boundary is cut there; the merge's union joins the two parts."""
    table = access_windows(list(element_sets), lat, lon, start_unix_s, end_unix_s, min_elevation_deg,
                           max_elevation_deg, time_resolution_s)
    sat, point = table.sat_index.astype(np.int64), table.point_index.astype(np.int64)
    start, end = table.start_unix_s.astype(float), table.end_unix_s.astype(float)
    # seconds per satellite × point: summed in the table's order (bincount adds its weights one by one, in order)
    cell = sat * len(lat) + point
    seen, first = np.unique(cell, return_index=True)
    seconds = np.bincount(cell, weights=end - start, minlength=int(seen[-1]) + 1 if len(seen) else 0)[seen]
    order = np.argsort(first, kind="stable")  # the cells in the order they first appear, as before
    pairs = [[s + sat_offset, p + point_offset, d] for s, p, d in
             zip((seen[order] // len(lat)).tolist(), (seen[order] % len(lat)).tolist(), seconds[order].tolist(),
                 strict=True)]
    return {"pairs": pairs, "windows": [[s + sat_offset, ws] for s, ws in _united_by_satellite(sat, start, end)]}


def _united_by_satellite(sat: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[tuple[int, list[list[float]]]]:
    """Each satellite's windows united (``_union`` per satellite, vectorised): [(satellite, [[start, end], ...])],
    satellites in increasing order."""
    order = np.lexsort((end, start, sat))
    sat, start, end = sat[order], start[order], end[order]
    edges = np.flatnonzero(np.diff(sat)) + 1
    out: list[tuple[int, list[list[float]]]] = []
    for lo, hi in zip([0, *edges.tolist()], [*edges.tolist(), len(sat)], strict=True):
        if lo == hi:
            continue
        a, reach = start[lo:hi], np.maximum.accumulate(end[lo:hi])
        opens = np.flatnonzero(np.concatenate(([True], a[1:] > reach[:-1])))  # a window past every earlier end
        closes = np.concatenate((opens[1:], [hi - lo])) - 1
        out.append((int(sat[lo]), np.column_stack((a[opens], reach[closes])).tolist()))
    return out


def merge(chunks: Iterable[dict[str, Any]], norad_ids: Sequence[int], lat: np.ndarray, lon: np.ndarray,
          tile: float | None, start_unix_s: float, end_unix_s: float) -> dict[str, Any]:
    """The analysis's result from its chunks' parts (``compute_chunk``), read one at a time: the same document as
    the unsplit computation. ``norad_ids``: the satellites, in the parts' order. Time chunks are merged in time
    order (give them in plan order)."""
    n, m = len(norad_ids), len(lat)
    access = np.zeros((n, m), dtype=int)
    duration = np.zeros((n, m))
    per_sat: list[list[tuple[float, float]]] = [[] for _ in range(n)]
    for part in chunks:
        for s, p, d in part["pairs"]:
            access[s, p] = 1
            duration[s, p] += d
        for s, ws in part["windows"]:
            per_sat[s].extend((a, b) for a, b in ws)
    merged = [_union(w) for w in per_sat]
    covered = _union([w for ws in merged for w in ws])
    blind, cursor = [], start_unix_s
    for a, b in covered:
        if a > cursor:
            blind.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end_unix_s:
        blind.append((cursor, end_unix_s))
    return {
        "Access_norad": access.tolist(),
        "duration_norad": np.round(duration, 1).tolist(),
        "timestamp": [[[_iso(a), _iso(b)] for a, b in ws] for ws in merged],
        "blindstamp": [[_iso(a), _iso(b)] for a, b in blind],
        "norad_ids": list(norad_ids),
        "ground_points": [[round(float(x), 6), round(float(y), 6)] for x, y in zip(lon, lat, strict=True)],
        "tile_size_deg": tile,
    }


def analyse(element_sets: Sequence[ElementSet], geometry: dict[str, Any], start_unix_s: float, end_unix_s: float,
            min_elevation_deg: float, max_elevation_deg: float, time_resolution_s: float) -> dict[str, Any]:
    """The unsplit computation: one chunk holding all the work, merged."""
    lat, lon, tile = ground_points(geometry)
    part = compute_chunk(element_sets, lat, lon, start_unix_s, end_unix_s, min_elevation_deg, max_elevation_deg,
                         time_resolution_s)
    return merge([part], [s.norad_id for s in element_sets], lat, lon, tile, start_unix_s, end_unix_s)
