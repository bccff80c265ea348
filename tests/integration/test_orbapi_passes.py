"""Pass search (seed 001) over the demo catalogue, checked against Skyfield (refined by root finding)."""

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_passes.app import app
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
AUTH = bearer("demo", "passes:read")
START = "2026-04-17T00:00:00Z"  # next to the demo element sets' epochs


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def search(body: dict, headers=AUTH):
    return client.post("/orbapi/passes/search", json=body, headers=headers)


def unix(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_response_has_every_seed_field_and_passes_are_sorted():
    r = search({"noradId": 25544, "start": START, "days": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"satellite", "groundStations", "passes", "total", "generated_at"}
    assert body["satellite"]["noradId"] == 25544 and body["satellite"]["tle"]["line1"].startswith("1 25544U")
    assert len(body["groundStations"]) == 14 and set(body["groundStations"][0]) == {
        "id", "description", "latitude", "longitude", "altitude", "minElevationDeg"}
    # the request's 10° applies, or the station's own mask where that is higher (Santiago: 10°)
    assert {g["id"]: g["minElevationDeg"] for g in body["groundStations"]}["7"] == 10
    assert body["total"] == len(body["passes"]) > 0
    p = body["passes"][0]
    assert set(p) >= {"groundStationId", "rise_time", "set_time", "aos", "los", "aos_azimuth", "los_azimuth",
                      "max_elevation", "max_elevation_time", "slant_range_km", "polar_track", "sunlit"}
    assert p["aos"] == p["rise_time"] and p["los"] == p["set_time"]
    rises = [unix(x["rise_time"]) for x in body["passes"]]
    assert rises == sorted(rises)
    for x in body["passes"]:
        assert unix(x["rise_time"]) <= unix(x["max_elevation_time"]) <= unix(x["set_time"])
        assert x["max_elevation"] >= 10 - 1e-6 and 0 <= x["aos_azimuth"] < 360


def test_polar_track_is_sampled_at_the_requested_step_from_rise_to_set():
    body = search({"noradId": 43013, "start": START, "days": 1, "groundStationIds": ["3"],
                   "stepSeconds": 30}).json()
    for p in body["passes"]:
        track = p["polar_track"]
        times = [unix(t["time"]) for t in track]
        assert track[0]["time"] == p["rise_time"] and track[-1]["time"] == p["set_time"]
        assert all(abs((b - a) - 30) < 1e-3 for a, b in zip(times[:-2], times[1:-1], strict=True))
        assert abs(track[0]["elevation"] - 10) < 0.01 and abs(track[-1]["elevation"] - 10) < 0.01
        assert max(t["elevation"] for t in track) <= p["max_elevation"] + 0.006  # 2 decimals on the wire


def test_passes_match_skyfield_reference():
    from tests.reference.skyfield_reference import reference_passes, timescale

    body = search({"noradId": 43013, "start": START, "days": 2, "groundStationIds": ["3", "6"],
                   "minElevationDeg": 10}).json()
    stations = {s["id"]: s for s in body["groundStations"]}
    tle = body["satellite"]["tle"]
    ts = timescale()
    start = unix(START)
    for gs_id, st in stations.items():
        ref = reference_passes(ts, tle["line1"], tle["line2"], st["latitude"], st["longitude"], st["altitude"],
                               start, start + 2 * 86400, 10.0)
        got = [p for p in body["passes"] if p["groundStationId"] == gs_id]
        assert len(got) == len(ref.rise_unix_s) > 0, gs_id
        for p, r, s, e in zip(got, ref.rise_unix_s, ref.set_unix_s, ref.max_elevation_deg, strict=True):
            assert abs(unix(p["rise_time"]) - r) < 0.002  # ms on the wire + 1 ms core tolerance
            assert abs(unix(p["set_time"]) - s) < 0.002
            assert abs(p["max_elevation"] - e) < 0.0015  # 3 decimals on the wire


def test_raw_tle_search_and_doppler_extra():
    line1 = "1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998"
    line2 = "2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435813"
    body = search({"tle": {"name": "NOAA 20", "line1": line1, "line2": line2}, "start": START, "days": 1,
                   "groundStationIds": [3], "carrierFrequencyHz": 1.7e9}).json()
    assert body["satellite"] == {"noradId": 43013, "name": "NOAA 20", "tle": {"name": "NOAA 20", "line1": line1,
                                                                            "line2": line2}}
    p = body["passes"][0]
    assert p["doppler_aos_hz"] > 10_000 and p["doppler_los_hz"] < -10_000  # approaching, then receding


def test_end_is_capped_to_fourteen_days_and_defaults_apply():
    body = search({"noradId": 20580, "start": START, "end": "2026-06-01T00:00:00Z",
                   "groundStationIds": ["11"]}).json()
    assert body["window"]["end"] == "2026-05-01T00:00:00.000Z"
    assert body["window"]["minElevationDeg"] == 10 and body["window"]["stepSeconds"] == 60
    assert max(unix(p["set_time"]) for p in body["passes"]) <= unix("2026-05-01T00:00:00Z")


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"noradId": 25544, "days": 15}, 400, "field 'days'"),
        ({"noradId": 25544, "stepSeconds": 14}, 400, "field 'stepSeconds'"),
        ({"noradId": 25544, "stepSeconds": 301}, 400, "field 'stepSeconds'"),
        ({"noradId": 25544, "start": "2026-05-02T00:00:00Z", "end": "2026-05-01T00:00:00Z"}, 400, "end: must be after"),
        ({}, 400, "either noradId or tle is required"),
        ({"tle": {"line1": "1 25544U 98067A", "line2": "2 25544"}}, 400, "tle: line 1: length"),
        ({"noradId": 99999}, 404, "satellite 99999 not found"),
        ({"noradId": 25544, "groundStationIds": ["3", "777"]}, 404, "ground station 777 not found"),
        ({"noradId": 25544, "minElevationDeg": 95}, 400, "field 'minElevationDeg'"),
    ],
)
def test_bad_requests_name_the_field(body, status, fragment):
    r = search(body)
    assert r.status_code == status and fragment in r.json()["error"], r.text


def test_checksum_error_names_line_and_reason():
    line1 = "1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998"
    line2 = "2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435814"
    r = search({"tle": {"line1": line1, "line2": line2}})
    assert r.status_code == 400 and r.json()["error"] == "tle: line 2: checksum 4 != 3"


def test_scope_is_required():
    r = search({"noradId": 25544}, headers=bearer("demo", "bookings:create"))
    assert r.status_code == 403 and "passes:read" in r.json()["error"]
    assert search({"noradId": 25544}, headers={}).status_code == 401


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"noradId": 25544, "groundStationIds": [""]}, "field 'groundStationIds.0'"),
        ({"noradId": 25544, "groundStationIds": ["x" * 65]}, "field 'groundStationIds.0'"),
        ({"noradId": 25544, "start": "9999-12-31T00:00:00Z"}, "field 'start'"),
        ({"noradId": 25544, "start": "0001-01-01T00:00:00+01:00"}, "field 'start'"),
        ({"noradId": 25544, "days": float("nan")}, "field 'days'"),
    ],
)
def test_hostile_input_is_400_never_500(body, fragment):
    import json

    r = client.post("/orbapi/passes/search", content=json.dumps(body), headers={**AUTH,
                                                                              "Content-Type": "application/json"})
    assert r.status_code == 400 and fragment in r.json()["error"], r.text


def test_unpaired_surrogates_are_refused_by_validation():
    r = client.post("/orbapi/passes/search", content=b'{"noradId": 25544, "groundStationIds": ["\\ud800"]}',
                    headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400 and "field 'groundStationIds.0'" in r.json()["error"], r.text


def test_omit_polar_track_answers_the_same_passes_with_empty_tracks():
    full = search({"noradId": 25544, "start": START, "days": 2}).json()
    bare = search({"noradId": 25544, "start": START, "days": 2, "omitPolarTrack": True}).json()
    assert full["total"] == bare["total"] > 10
    assert all(len(p["polar_track"]) >= 2 for p in full["passes"])
    assert all(p["polar_track"] == [] for p in bare["passes"])
    assert [{**p, "polar_track": []} for p in full["passes"]] == bare["passes"]
    assert search({"noradId": 25544, "start": START, "days": 1, "omitPolarTrack": False}).json()["passes"][0][
        "polar_track"]
    r = search({"noradId": 25544, "omitPolarTrack": "yes"})
    assert r.status_code == 400 and "field 'omitPolarTrack'" in r.json()["error"], r.text


def test_polar_tracks_are_the_orbit_cores_tracks_of_each_pass():
    """The tracks computed for the whole table at once are PassTable.track's, pass by pass."""
    import numpy as np
    from groundlink_orbit import find_passes, parse_tle_text

    from shared.domain.scheduling.passes import all_tracks, track_samples

    sets = parse_tle_text((Path(__file__).parents[1] / "fixtures" / "tle" / "active_snapshot.tle").read_text())
    table = find_passes(sets.element_sets[:3], [78.2, 52.2, -33.9], [15.4, 0.1, 18.4], [500.0, 30.0, 40.0],
                        unix(START), unix(START) + 86400.0, 5.0)
    assert len(set(table.sat_index.tolist())) == 3 and len(table) > 20
    tracks = all_tracks(table, 45.0)
    assert len(tracks) == len(table)
    for i, (t, az, el) in enumerate(tracks):
        t_ref, az_ref, el_ref = table.track(i, 45.0)
        assert t.size == t_ref.size and t[0] == table.rise_unix_s[i] and t[-1] == table.set_unix_s[i]
        assert np.max(np.abs(t - t_ref)) < 1e-6
        assert np.max(np.abs(el - el_ref)) < 1e-6 and np.max(np.abs((az - az_ref + 180) % 360 - 180)) < 1e-6
    samples = track_samples(table, 45.0)
    assert samples.offsets[-1] == samples.time_unix_s.size == sum(t.size for t, _, _ in tracks)
