"""Access windows over ground points, and GeoJSON geometry → ground points (tiles for polygons).

Polygon decomposition (platform mechanics, seed 003): the bounding rectangle, with sides that are
multiples of ``tile_size_deg``, is cut into square tiles; tiles that do not intersect the polygon
are omitted; a tile whose centre lies in the polygon contributes its centre, a tile that only
partly overlaps contributes a representative point of the intersection (centroid of the clipped
outer ring when that lies inside the polygon, else a clipped vertex).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .elements import ElementSet
from .frames import StationFrame
from .propagation import as_element_sets, station_track

_MAX_TILES = 100_000


@dataclass
class AccessTable:
    """One row per window where min ≤ elevation ≤ max, sorted by start time."""

    sat_index: np.ndarray
    point_index: np.ndarray
    start_unix_s: np.ndarray
    end_unix_s: np.ndarray
    starts_before_window: np.ndarray
    ends_after_window: np.ndarray
    step_s: float
    element_sets: list[ElementSet] = field(repr=False, default_factory=list)
    points: StationFrame | None = field(repr=False, default=None)  # the ground points, by point_index

    def __len__(self) -> int:
        return len(self.start_unix_s)

    def track(self, i: int, step_s: float | None = None):
        """(time_unix_s, azimuth_deg, elevation_deg) sampled every ``step_s`` (default: the request's)."""
        step = self.step_s if step_s is None else step_s
        assert self.points is not None
        window = (float(self.start_unix_s[i]), float(self.end_unix_s[i]))
        element_set = self.element_sets[int(self.sat_index[i])]
        return station_track(element_set, self.points, int(self.point_index[i]), window, step)


def access_windows(
    element_sets,
    ground_lat_deg,
    ground_lon_deg,
    start_unix_s: float,
    end_unix_s: float,
    min_elevation_deg: float,
    max_elevation_deg: float = 90.0,
    step_s: float = 60.0,
) -> AccessTable:
    """Windows where each satellite is seen from each ground point between min and max elevation.

    Window edges are exact (root-found, < 1 ms); ``step_s`` is the time resolution of
    ``AccessTable.track``.  Ground points are at zero height on WGS-84.
    """
    sets = as_element_sets(element_sets)
    lat = np.atleast_1d(np.asarray(ground_lat_deg, dtype=float))
    lon = np.atleast_1d(np.asarray(ground_lon_deg, dtype=float))
    if lat.shape != lon.shape or lat.ndim != 1:
        raise ValueError("ground_lat_deg and ground_lon_deg must be 1-D arrays of equal length")
    points = StationFrame.from_geodetic(lat, lon, np.zeros_like(lat))
    if not (0 < step_s and math.isfinite(step_s)):
        raise ValueError("step_s must be positive")
    lo = float(min_elevation_deg)
    hi = float(max_elevation_deg)
    if not lo < hi:
        raise ValueError("max_elevation_deg must be greater than min_elevation_deg")
    from .passes import elevation_masks, search, time_window  # on first use (see the package docstring)
    from .passes.fast_math import tune_malloc

    tune_malloc()
    window = time_window(start_unix_s, end_unix_s)
    found, _ = search(sets, points, elevation_masks(lo, len(points)), window, culminations=False)
    sat, pt = found.sat, found.station
    a, b = found.rise_unix_s, found.set_unix_s
    sb, ea = found.starts_before_window, found.ends_after_window
    if hi < 90.0:
        over, _ = search(sets, points, elevation_masks(hi, len(points)), window, culminations=False)
        sat, pt, a, b, sb, ea = _subtract(sat, pt, a, b, sb, ea, over, len(points))
    order = np.argsort(a, kind="stable")
    return AccessTable(sat[order], pt[order], a[order], b[order], sb[order], ea[order], float(step_s), sets, points)


def _subtract(sat, pt, a, b, sb, ea, over, m):
    """Remove the intervals above the maximum elevation (each lies inside one window)."""
    rows = list(zip(sat.tolist(), pt.tolist(), a.tolist(), b.tolist(), sb.tolist(), ea.tolist(), strict=True))
    key = sat * m + pt
    span = float(np.max(b) - np.min(a) + 10.0) if len(a) else 1.0
    base = float(np.min(a)) if len(a) else 0.0
    win_key = key * span + (a - base)
    cuts: dict[int, list[tuple[float, float, bool, bool]]] = {}
    for s, p, t0, t1, c0, c1 in zip(
        over.sat.tolist(), over.station.tolist(), over.rise_unix_s.tolist(), over.set_unix_s.tolist(),
        over.starts_before_window.tolist(), over.ends_after_window.tolist(), strict=True,
    ):  # fmt: skip
        w = int(np.searchsorted(win_key, (s * m + p) * span + (t0 - base), side="right")) - 1
        cuts.setdefault(w, []).append((t0, t1, c0, c1))
    out = []
    for w, row in enumerate(rows):
        if w not in cuts:
            out.append(row)
            continue
        s, p, t0, t1, c0, c1 = row
        cur0, cur_c0 = t0, c0
        for o0, o1, oc0, oc1 in sorted(cuts[w]):
            if o0 > cur0 and not oc0:
                out.append((s, p, cur0, o0, cur_c0, False))
            cur0, cur_c0 = o1, False
            if oc1:
                cur0 = None
                break
        if cur0 is not None and cur0 < t1:
            out.append((s, p, cur0, t1, cur_c0, c1))
    if not out:
        e = np.empty(0)
        return e.astype(np.int64), e.astype(np.int64), e, e, e.astype(bool), e.astype(bool)
    cols = list(zip(*out, strict=True))
    return (
        np.array(cols[0], dtype=np.int64),
        np.array(cols[1], dtype=np.int64),
        np.array(cols[2]),
        np.array(cols[3]),
        np.array(cols[4], dtype=bool),
        np.array(cols[5], dtype=bool),
    )


def geojson_ground_points(geometry: dict, tile_size_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Ground points (lat_deg, lon_deg) of a GeoJSON Point, LineString or Polygon (or a Feature)."""
    if not isinstance(geometry, dict):
        raise ValueError("geometry must be a GeoJSON object")
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    try:
        if kind == "Point":
            pts = np.array([coords], dtype=float)
        elif kind == "LineString":
            pts = np.array(coords, dtype=float)
            if len(pts) < 2:
                raise ValueError("a LineString needs at least 2 positions")
        elif kind == "Polygon":
            return _polygon_tiles([np.array(ring, dtype=float)[:, :2] for ring in coords], tile_size_deg)
        else:
            raise ValueError(f"unsupported geometry type {kind!r} (Point, LineString or Polygon)")
    except (TypeError, IndexError) as exc:
        raise ValueError(f"malformed {kind} coordinates: {exc}") from None
    if pts.ndim != 2 or pts.shape[1] < 2:
        raise ValueError(f"malformed {kind} coordinates")
    _check_lon_lat(pts)
    return pts[:, 1].copy(), pts[:, 0].copy()


def _check_lon_lat(pts: np.ndarray) -> None:
    if not np.all(np.isfinite(pts[:, :2])) or np.any(np.abs(pts[:, 0]) > 180) or np.any(np.abs(pts[:, 1]) > 90):
        raise ValueError("coordinates must be [longitude -180..180, latitude -90..90]")


def _inside(x: np.ndarray, y: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd point-in-polygon over all rings (holes included), vectorised over points."""
    inside = np.zeros(x.shape, dtype=bool)
    for ring in rings:
        x0, y0 = ring[:-1, 0], ring[:-1, 1]
        x1, y1 = ring[1:, 0], ring[1:, 1]
        for a, b, c, d in zip(x0, y0, x1, y1, strict=True):
            if (b > y) is not None:
                cond = (b > y) != (d > y)
                with np.errstate(divide="ignore", invalid="ignore"):
                    xc = a + (y - b) * (c - a) / (d - b)
                inside ^= cond & (x < xc)
    return inside


def _clip(ring: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Sutherland–Hodgman clip of a ring against an axis-aligned rectangle."""
    pts = [tuple(p) for p in ring[:-1]]
    for axis, bound, keep_greater in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not pts:
            break
        out = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            cin = cur[axis] >= bound if keep_greater else cur[axis] <= bound
            pin = prev[axis] >= bound if keep_greater else prev[axis] <= bound
            if cin != pin:
                f = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + f * (cur[0] - prev[0]), prev[1] + f * (cur[1] - prev[1])))
            if cin:
                out.append(cur)
        pts = out
    return np.array(pts, dtype=float).reshape(-1, 2)


def _polygon_tiles(rings: list[np.ndarray], tile: float) -> tuple[np.ndarray, np.ndarray]:
    if not (tile > 0 and math.isfinite(tile)):
        raise ValueError("tile_size_deg must be positive")
    if not rings or len(rings[0]) < 4:
        raise ValueError("a Polygon needs a closed outer ring of at least 3 positions")
    for ring in rings:
        _check_lon_lat(ring)
        if not np.allclose(ring[0], ring[-1]):
            raise ValueError("polygon rings must be closed (first position == last position)")
    outer = rings[0]
    xmin, ymin = outer.min(axis=0)
    xmax, ymax = outer.max(axis=0)
    nx = max(1, math.ceil((xmax - xmin) / tile - 1e-9))
    ny = max(1, math.ceil((ymax - ymin) / tile - 1e-9))
    if nx * ny > _MAX_TILES:
        raise ValueError(f"{nx * ny} tiles exceed the limit of {_MAX_TILES}; use a larger tile_size_deg")
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny))
    cx = xmin + (ix.ravel() + 0.5) * tile
    cy = ymin + (iy.ravel() + 0.5) * tile
    centre_in = _inside(cx, cy, rings)
    lat, lon = list(cy[centre_in]), list(cx[centre_in])
    for x, y in zip(cx[~centre_in].tolist(), cy[~centre_in].tolist(), strict=True):
        clipped = _clip(outer, x - tile / 2, y - tile / 2, x + tile / 2, y + tile / 2)
        if len(clipped) < 3:
            continue
        xs, ys = clipped[:, 0], clipped[:, 1]
        area2 = np.sum(xs * np.roll(ys, -1) - np.roll(xs, -1) * ys)
        if abs(area2) < 1e-12 * tile * tile:
            continue  # touches only along an edge or a corner
        cross = xs * np.roll(ys, -1) - np.roll(xs, -1) * ys
        gx = np.sum((xs + np.roll(xs, -1)) * cross) / (3.0 * area2)
        gy = np.sum((ys + np.roll(ys, -1)) * cross) / (3.0 * area2)
        if _inside(np.array([gx]), np.array([gy]), rings)[0]:
            lat.append(gy)
            lon.append(gx)
            continue
        mid = 0.5 * (clipped + np.roll(clipped, -1, axis=0))
        probe = 0.5 * (mid + np.array([gx, gy]))
        ok = _inside(probe[:, 0], probe[:, 1], rings)
        if ok.any():
            lat.append(probe[ok][0, 1])
            lon.append(probe[ok][0, 0])
    return np.array(lat), np.array(lon)
