"""Access windows over GeoJSON ground points; current positions and trajectories."""

import numpy as np
import pytest
from groundlink_orbit import access_windows, current_positions, geodetic_track, geojson_ground_points

T0 = 1776384000.0


def test_point_and_linestring_points():
    lat, lon = geojson_ground_points({"type": "Point", "coordinates": [10.0, 50.0]}, 1.0)
    assert (lat.tolist(), lon.tolist()) == ([50.0], [10.0])
    feature = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 3]]}}
    lat, lon = geojson_ground_points(feature, 1.0)
    assert lat.tolist() == [0, 1, 3] and lon.tolist() == [0, 1, 2]


def test_polygon_tiles_cover_only_the_polygon():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}
    lat, lon = geojson_ground_points(square, 1.0)
    assert len(lat) == 16
    assert sorted(set(lon.tolist())) == [0.5, 1.5, 2.5, 3.5]
    triangle = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [0, 4], [0, 0]]]}
    lat, lon = geojson_ground_points(triangle, 1.0)
    # Tiles on the diagonal keep a representative point inside the triangle; tiles beyond it are gone.
    assert 10 <= len(lat) <= 16 - 6 + 4
    assert np.all(lat + lon <= 4.0 + 1e-9)
    holed = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
                                                 [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]}  # fmt: skip
    lat, _ = geojson_ground_points(holed, 1.0)
    assert len(lat) == 12


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "Point", "coordinates": [200.0, 0.0]},
        {"type": "LineString", "coordinates": [[0, 0]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
    ],
)
def test_bad_geometries_raise_value_error(geometry):
    with pytest.raises(ValueError):
        geojson_ground_points(geometry, 1.0)


def test_access_windows_respect_min_and_max_elevation(snapshot):
    lat, lon = geojson_ground_points({"type": "Point", "coordinates": [15.4, 78.2]}, 1.0)
    sats = snapshot[:10]
    table = access_windows(sats, lat, lon, T0, T0 + 86400.0, 10.0, 40.0, 30.0)
    all_above = access_windows(sats, lat, lon, T0, T0 + 86400.0, 10.0, 90.0, 30.0)
    assert len(table) > len(all_above) * 0.5
    assert np.all(table.end_unix_s > table.start_unix_s)
    for i in range(len(table)):
        times, _, el = table.track(i)
        assert np.all(np.diff(times) <= 30.0 + 1e-9)
        assert np.all(el >= 10.0 - 1e-3) and np.all(el <= 40.0 + 1e-3)
    with pytest.raises(ValueError):
        access_windows(sats, lat, lon, T0, T0 + 86400.0, 40.0, 10.0, 30.0)


def test_current_positions_and_geodetic_track(snapshot, iss):
    now = T0 + 1234.5
    pos = current_positions(snapshot[:20], now)
    assert pos.time_unix_s[0] == now and pos.time_unix_s[-1] == pytest.approx(now + 5400.0)
    assert pos.latitude_deg.shape == (20, 91)
    i = [s.norad_id for s in snapshot[:20]]
    track = geodetic_track([iss], pos.time_unix_s)
    assert np.all(np.abs(track.latitude_deg) <= iss.inclination_deg + 0.2)
    assert np.all((track.altitude_km > 380) & (track.altitude_km < 450))
    assert np.all((track.speed_km_s > 7.5) & (track.speed_km_s < 7.8))
    assert np.all(track.longitude_deg >= -180) and np.all(track.longitude_deg <= 180)
    assert not track.error_code.any() and len(i) == 20
    with pytest.raises(ValueError):
        current_positions([iss], now, step_s=0)


def test_search_without_culminations_finds_the_same_rises_and_sets(snapshot):
    """The access windows skip the culminations' polish; rises, sets and flags stay bit for bit the same."""
    from groundlink_orbit.frames import StationFrame
    from groundlink_orbit.passes import elevation_masks, search

    lat, lon = geojson_ground_points({"type": "Polygon", "coordinates": [[[10, 45], [14, 45], [14, 49], [10, 49],
                                                                          [10, 45]]]}, 1.0)
    points = StationFrame.from_geodetic(lat, lon, np.zeros_like(lat))
    window = (T0, T0 + 2 * 86400.0)
    full, _ = search(snapshot[:40], points, elevation_masks(5.0, len(points)), window)
    bare, _ = search(snapshot[:40], points, elevation_masks(5.0, len(points)), window, culminations=False)
    assert len(full.sat) > 1000
    for name in ("sat", "station", "rise_unix_s", "set_unix_s", "starts_before_window", "ends_after_window"):
        assert np.array_equal(getattr(full, name), getattr(bare, name)), name
    assert np.all(np.isnan(bare.culmination_unix_s)) and np.all(np.isfinite(full.culmination_unix_s))
