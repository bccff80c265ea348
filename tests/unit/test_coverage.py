"""Pass analysis over GeoJSON: windows agree with elevations computed point by point."""

import numpy as np
import pytest
from groundlink_orbit import look_angles, parse_tle

from shared.domain.jobs.analysis.coverage import analyse, ground_points

NOAA20 = parse_tle("1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998",
                   "2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435813", "NOAA 20")
ISS = parse_tle("1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994",
                "2 25544  51.6328 242.0950 0006547 316.4598  43.5873 15.48795320562295", "ISS")
START = 1776384000.0  # 2026-04-17T00:00:00Z
POINT = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]}, "properties": {}}


def test_point_windows_match_sampled_elevations():
    end = START + 86400
    r = analyse([NOAA20, ISS], POINT, START, end, 10, 90, 60)
    assert r["norad_ids"] == [43013, 25544] and len(r["Access_norad"]) == 2 and len(r["Access_norad"][0]) == 1
    t = np.arange(START, end, 5.0)
    for i, es in enumerate((NOAA20, ISS)):
        _, el, _, _ = look_angles(es, 59.3, 18.0, 0.0, t)
        seen = el >= 10
        assert r["Access_norad"][i][0] == int(seen.any())
        assert r["duration_norad"][i][0] == pytest.approx(seen.sum() * 5.0, abs=5.0 * (len(r["timestamp"][i]) * 2 + 1))
    # blind periods and windows never overlap and together cover the day
    spans = sorted([tuple(w) for ws in r["timestamp"] for w in ws] + [tuple(w) for w in r["blindstamp"]])
    assert spans[0][0].startswith("2026-04-17T00:00:00") and spans[-1][1].startswith("2026-04-18T00:00:00")


def test_max_elevation_cuts_windows():
    full = analyse([NOAA20], POINT, START, START + 86400, 10, 90, 60)
    capped = analyse([NOAA20], POINT, START, START + 86400, 10, 30, 60)
    assert 0 < capped["duration_norad"][0][0] < full["duration_norad"][0][0]


def test_polygon_is_tiled_and_bounded():
    poly = {"type": "Polygon", "coordinates": [[[10, 50], [20, 50], [20, 60], [10, 60], [10, 50]]]}
    lat, lon, tile = ground_points(poly)
    assert tile == 0.5 and len(lat) == 400  # 10° × 10° in 0.5° tiles
    big = {"type": "Polygon", "coordinates": [[[-60, -40], [60, -40], [60, 40], [-60, 40], [-60, -40]]]}
    lat, lon, tile = ground_points(big)
    assert len(lat) <= 400 and tile > 0.5


def test_bad_geometry_is_a_value_error():
    with pytest.raises(ValueError):
        ground_points({"type": "Circle", "coordinates": [0, 0]})
