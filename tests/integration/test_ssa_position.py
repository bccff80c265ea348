"""SSA current position (seed 002, "Get Current Satellite Position"): the demo catalogue in moto, checked
against Skyfield at the very instant the response names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from groundlink_orbit import SGP4_ERRORS, geodetic_track, parse_tle
from skyfield.api import EarthSatellite, load, wgs84

from functions.ssa_position.app import app
from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.catalog.service import CatalogService
from shared.surfaces.ssa.position import positions_view
from shared.wiring.catalog import catalog_service
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
SSA = bearer("user-1", "ssa")
TS = load.timescale(builtin=True)


def parse_iso(text: str) -> datetime:
    assert text.endswith("Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def locate(body: dict, norad_id: int) -> dict:
    return next(p for p in body["positions"] if p["norad_id"] == norad_id)


def skyfield_at(sat: Satellite, when: datetime):
    assert sat.tle is not None
    es = EarthSatellite(sat.tle.line1, sat.tle.line2, ts=TS)
    geocentric = es.at(TS.from_datetime(when))
    lat, lon = wgs84.latlon_of(geocentric)
    return lat.degrees, lon.degrees, wgs84.height_of(geocentric).km, float(np.linalg.norm(geocentric.velocity.km_per_s))


def lon_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def test_iss_position_and_trajectory_agree_with_skyfield(demo):
    # Given the ISS and the HST in the catalogue
    # When their current positions are asked for
    r = client.post("/v1/get_current_position", json={"norad_ids": [25544, 20580]}, headers=SSA)
    # Then both come back, in request order, with the element set's epoch
    assert r.status_code == 200
    body = r.json()
    assert [p["norad_id"] for p in body["positions"]] == [25544, 20580]
    now = parse_iso(body["timestamp"])
    assert abs((datetime.now(UTC) - now).total_seconds()) < 60
    repo = catalog_repository()
    for norad_id in (25544, 20580):
        sat = repo.get_satellite(norad_id)
        got = locate(body, norad_id)
        assert got["name"] == sat.name
        assert abs(parse_iso(got["epoch"]) - sat.tle.epoch) < timedelta(milliseconds=1)
        assert "error" not in got
        # and the position at that instant agrees with Skyfield within 0.01 deg and 1 km
        lat, lon, alt, speed = skyfield_at(sat, now)
        assert abs(got["latitude"] - lat) < 0.01 and lon_diff(got["longitude"], lon) < 0.01
        assert abs(got["altitude_km"] - alt) < 1.0
        assert got["velocity_km_s"] == pytest.approx(speed, abs=1e-3)  # inertial speed (TEME vs GCRS: a rotation)
        # and so does every trajectory point, 60 s apart over the next 1.5 h
        track = got["trajectory"]
        assert len(track) == 91
        times = [parse_iso(p["timestamp"]) for p in track]
        assert times[0] == now and times[-1] - now == timedelta(hours=1.5)
        assert all(b - a == timedelta(seconds=60) for a, b in zip(times, times[1:], strict=False))
        assert (track[0]["latitude"], track[0]["longitude"], track[0]["altitude_km"]) == (
            got["latitude"], got["longitude"], got["altitude_km"])
        for point in track[::15]:
            lat, lon, alt, _ = skyfield_at(sat, parse_iso(point["timestamp"]))
            assert abs(point["latitude"] - lat) < 0.01 and lon_diff(point["longitude"], lon) < 0.01
            assert abs(point["altitude_km"] - alt) < 1.0
    iss = locate(body, 25544)
    # geodetic latitude exceeds the geocentric one (at most the 51.64° inclination) by up to ~0.19° near 52°
    assert 380 < iss["altitude_km"] < 460 and abs(iss["latitude"]) <= 51.9 and 7.5 < iss["velocity_km_s"] < 7.8


def test_many_satellites_in_one_request(demo):
    ids = sorted(s.norad_id for s in catalog_repository().list_satellites())
    body = client.post("/v1/get_current_position", json={"norad_ids": ids}, headers=SSA).json()
    assert [p["norad_id"] for p in body["positions"]] == ids
    geo = [p for p in body["positions"] if p["norad_id"] in (41866, 38552, 41836)]
    assert len(geo) == 3 and all(35_700 < p["altitude_km"] < 35_900 and abs(p["latitude"]) < 10 for p in geo)
    assert all(len(p["trajectory"]) == 91 for p in body["positions"])


def test_unknown_satellites_are_one_404_naming_them(demo):
    r = client.post("/v1/get_current_position", json={"norad_ids": [1, 25544, 2]}, headers=SSA)
    assert r.status_code == 404
    assert r.json() == {"detail": "satellite(s) not found: 1, 2", "status_code": 404}


def test_needs_a_token(demo):
    r = client.post("/v1/get_current_position", json={"norad_ids": [25544]})
    assert r.status_code == 401 and r.json()["status_code"] == 401


@pytest.mark.parametrize(
    ("body", "loc", "needle"),
    [
        ({}, ["body", "norad_ids"], "required"),
        ({"norad_ids": []}, ["body", "norad_ids"], "at least 1"),
        ({"norad_ids": list(range(1, 102))}, ["body", "norad_ids"], "at most 100"),
        ({"norad_ids": [25544, 20580, 25544]}, ["body", "norad_ids"], "duplicate NORAD ids: 25544"),
        ({"norad_ids": [0]}, ["body", "norad_ids", 0], "greater than or equal to 1"),
        ({"norad_ids": [25544, "ISS"]}, ["body", "norad_ids", 1], "integer"),
        ({"norad_ids": 25544}, ["body", "norad_ids"], "list"),
    ],
)
def test_validation_names_the_field(demo, body, loc, needle):
    r = client.post("/v1/get_current_position", json=body, headers=SSA)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == loc and needle in err["msg"]


# --- propagation failures: an entry with "error", never a 500 ------------------------------------------
def checksummed(line: str) -> str:
    return line + str(sum(int(c) if c.isdigit() else (c == "-") for c in line) % 10)


# The ISS's elements with an absurd drag term: SGP4 reports the satellite decayed within a day of epoch.
DOOMED_L1 = checksummed("1 99901U 26001A   26107.16713328  .00006923  00000+0  50000-0 0  999")
DOOMED_L2 = checksummed("2 99901  51.6328 242.0950 0006547 316.4598  43.5873 15.4879532056229")


class FakeCatalog:
    def __init__(self, *sats: Satellite) -> None:
        self.sats = {s.norad_id: s for s in sats}

    def list_satellites(self) -> list[Satellite]:
        return list(self.sats.values())

    def get_satellite(self, norad_id: int) -> Satellite | None:
        return self.sats.get(norad_id)


def doomed() -> Satellite:
    es = parse_tle(DOOMED_L1, DOOMED_L2)
    record = ElementSetRecord(norad_id=99901, name="DOOMED", line1=DOOMED_L1, line2=DOOMED_L2, epoch=es.epoch_utc,
                              uploaded_at=es.epoch_utc)
    return Satellite(norad_id=99901, name="DOOMED", tle=record)


def test_a_satellite_that_cannot_be_propagated_gets_an_error_entry(demo, monkeypatch):
    repo = FakeCatalog(doomed(), catalog_repository().get_satellite(25544), Satellite(norad_id=99902, name="NO TLE"))
    monkeypatch.setitem(client.app.dependency_overrides, catalog_service, lambda: CatalogService(repo))
    r = client.post("/v1/get_current_position", json={"norad_ids": [99901, 25544, 99902]}, headers=SSA)
    assert r.status_code == 200
    body = r.json()
    bad = locate(body, 99901)
    assert bad["error"].startswith("propagation failed: ") and "SGP4 error" in bad["error"]
    assert "latitude" not in bad and "trajectory" not in bad and bad["epoch"] == "2026-04-17T04:00:40.315Z"
    assert locate(body, 99902) == {"norad_id": 99902, "name": "NO TLE", "epoch": None,
                                   "error": "no element set is stored for this satellite"}
    assert len(locate(body, 25544)["trajectory"]) == 91  # the others are unaffected


def test_a_trajectory_stops_where_propagation_fails(demo):
    # Given the instant SGP4 first reports the doomed satellite decayed (minute grid from epoch)
    sat = doomed()
    es = parse_tle(DOOMED_L1, DOOMED_L2)
    grid = es.epoch_unix_s + np.arange(0.0, 2 * 86400.0, 60.0)
    first_error = grid[np.flatnonzero(geodetic_track([es], grid).error_code[0])[0]]
    # When asked 45 minutes before that
    now_ms = int(round((first_error - 45 * 60) * 1000))
    body = positions_view(CatalogService(FakeCatalog(sat)).positions([99901], now_ms))
    # Then the 45 points before the failure come back, with a warning naming the instant and the reason
    (entry,) = body["positions"]
    assert "error" not in entry and len(entry["trajectory"]) == 45
    stop = parse_iso(body["timestamp"]) + timedelta(minutes=45)
    assert parse_iso(entry["trajectory"][-1]["timestamp"]) == stop - timedelta(minutes=1)
    code = int(geodetic_track([es], [first_error]).error_code[0, 0])
    assert entry["warning"] == (
        f"trajectory stops at {stop.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z: "
        f"propagation failed: {SGP4_ERRORS[code]} (SGP4 error {code})"
    )


def test_a_token_without_the_ssa_permission_is_403(demo):
    for scopes in ("", "passes:read", "bookings sites"):
        r = client.post("/v1/get_current_position", json={"norad_ids": [25544]}, headers=bearer("station-1", scopes))
        assert r.status_code == 403
        assert r.json() == {"detail": "the token does not grant the required scope 'ssa'", "status_code": 403}
