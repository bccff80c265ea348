"""The station registry through its admin endpoint and both booking surfaces (moto, demo catalogue): horizon
masks cutting the orbapi pass search, windows and maintenance blocking availability, passes and new
reservations in each surface's error format, a window moving a booking to Review with its event, the band
check, and the registry's extra fields where stations are listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_catalog.app import app as catalog_app
from functions.orbapi_passes.app import app as passes_app
from functions.spacego_catalog.app import app as sites_app
from functions.spacego_contacts.app import app as contacts_app
from functions.station_broker.app import app as broker_app
from functions.station_registry.app import app as registry_app
from shared.resources import EVENTS, LEDGER, STATIONS
from tests.integration.conftest import bearer

admin = TestClient(registry_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
bookings = TestClient(bookings_app, raise_server_exceptions=False)
contacts = TestClient(contacts_app, raise_server_exceptions=False)
catalog = TestClient(catalog_app, raise_server_exceptions=False)
sites = TestClient(sites_app, raise_server_exceptions=False)
broker = TestClient(broker_app, raise_server_exceptions=False)
ADMIN = bearer("ops", "admin")
DEMO = bearer("demo", "contacts spacecraft.view sites.view tle passes bookings")
NOAA20, ISS = 43013, 25544
S_X = [{"id": "13m", "bands": [{"name": "S", "min_mhz": 2200, "max_mhz": 2300, "direction": "downlink"},
                               {"name": "X", "min_mhz": 8025, "max_mhz": 8400, "direction": "downlink"},
                               {"name": "S", "min_mhz": 2025, "max_mhz": 2110, "direction": "uplink"}],
        "rotator": {"az_min": 0, "az_max": 360, "el_min": 0, "el_max": 90}}]
# a hill in the south of Esrange: passes low in the south are cut or vanish
MASK = [{"azimuth_deg": 0, "min_elevation_deg": 5}, {"azimuth_deg": 120, "min_elevation_deg": 5},
        {"azimuth_deg": 180, "min_elevation_deg": 25}, {"azimuth_deg": 240, "min_elevation_deg": 5}]


@pytest.fixture(autouse=True)
def _fresh(demo):
    """An empty ledger, outbox and registry per test (the catalogue is shared by the module)."""
    from shared.aws import client

    ddb = client("dynamodb")
    for table in (LEDGER, EVENTS):
        for it in ddb.scan(TableName=table.local_name)["Items"]:
            ddb.delete_item(TableName=table.local_name, Key={"pk": it["pk"], "sk": it["sk"]})
    for it in ddb.scan(TableName=STATIONS.local_name)["Items"]:
        if it["sk"]["S"] == "REGISTRY":
            ddb.delete_item(TableName=STATIONS.local_name, Key={"pk": it["pk"], "sk": it["sk"]})


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def search(norad: int, gs: str, days: float = 2, min_el: float = 0) -> dict:
    r = passes.post("/orbapi/passes/search", headers=DEMO,
                    json={"noradId": norad, "days": days, "groundStationIds": [gs], "minElevationDeg": min_el})
    assert r.status_code == 200, r.text
    return r.json()


def future(body: dict) -> list[dict]:
    soon = datetime.now(UTC) + timedelta(minutes=15)
    return [p for p in body["passes"] if parse(p["rise_time"]) > soon]


def put(gs: str, **entry) -> dict:
    r = admin.put(f"/admin/stations/{gs}/registry", headers=ADMIN, json=entry)
    assert r.status_code == 200, r.text
    return r.json()


def test_admin_reads_and_replaces_an_entry_and_refuses_bad_input_naming_the_field():
    empty = admin.get("/admin/stations/3/registry", headers=ADMIN)
    assert empty.status_code == 200 and empty.json() == {"gs_id": "3", "antennas": [], "horizon_mask": [],
                                                          "unavailability": [], "version": 0}
    stored = put("3", antennas=S_X, horizon_mask=MASK, status="testing")
    assert stored["version"] == 1 and stored["status"] == "testing" and stored["horizon_mask"] == [
        {"azimuth_deg": float(p["azimuth_deg"]), "min_elevation_deg": float(p["min_elevation_deg"])} for p in MASK]
    assert admin.get("/admin/stations/3/registry", headers=ADMIN).json()["antennas"][0]["bands"][1]["name"] == "X"

    bad = admin.put("/admin/stations/3/registry", headers=ADMIN, json={"horizon_mask": [
        {"azimuth_deg": 90, "min_elevation_deg": 5}, {"azimuth_deg": 10, "min_elevation_deg": 5}]})
    assert bad.status_code == 400
    assert "horizon_mask" in bad.json()["error"] and "sorted and unique" in bad.json()["error"]
    out = admin.put("/admin/stations/3/registry", headers=ADMIN, json={"horizon_mask": [
        {"azimuth_deg": 360, "min_elevation_deg": 5}]})
    assert out.status_code == 400 and "horizon_mask.0.azimuth_deg" in out.json()["error"]
    band = admin.put("/admin/stations/3/registry", headers=ADMIN, json={"antennas": [
        {"id": "a", "bands": [{"name": "S", "min_mhz": 2300, "max_mhz": 2200, "direction": "downlink"}]}]})
    assert band.status_code == 400 and "min_mhz (2300) must be below max_mhz (2200)" in band.json()["error"]
    assert admin.get("/admin/stations/99/registry", headers=ADMIN).status_code == 404
    assert admin.get("/admin/stations/3/registry", headers=DEMO).status_code == 403


def test_a_horizon_mask_cuts_the_pass_search():
    flat = search(NOAA20, "3")
    put("3", antennas=S_X, horizon_mask=MASK)
    masked = search(NOAA20, "3")
    [st] = masked["groundStations"]
    assert st["horizonMask"][2] == {"azimuth_deg": 180.0, "min_elevation_deg": 25.0} and st["minElevationDeg"] == 0
    assert masked["total"] <= flat["total"] and masked["total"] > 0
    flat_by_culmination = {p["max_elevation_time"]: p for p in flat["passes"]}
    cut = 0
    for p in masked["passes"]:
        assert p["aos_azimuth"] is not None and p["polar_track"][0]["elevation"] >= 4.9  # at or above the mask
        original = flat_by_culmination.get(p["max_elevation_time"])
        if original is not None and parse(p["rise_time"]) > parse(original["rise_time"]) + timedelta(seconds=5):
            cut += 1
    assert cut > 0  # passes rising under the mask's raised part start later
    # a southern pass peaking below 25° in the south vanishes or shrinks
    assert sum(p["duration_s"] for p in masked["passes"]) < sum(p["duration_s"] for p in flat["passes"])

    # bookings are checked against the same mask: the flat pass's window reaches below it, the cut one fits
    soon = datetime.now(UTC) + timedelta(minutes=15)
    # a pass the mask really cuts (the station's own minimum applies to the flat search: a pass rising in the
    # north, where the mask is that low, is not cut)
    p = next(p for p in masked["passes"] if parse(p["rise_time"]) > soon and p["max_elevation_time"] in
             flat_by_culmination and parse(p["rise_time"]) > parse(
                 flat_by_culmination[p["max_elevation_time"]]["rise_time"]) + timedelta(seconds=5))
    whole = flat_by_culmination[p["max_elevation_time"]]
    refused = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": NOAA20, "type": "data", "slots": [
        {"start": whole["rise_time"], "end": whole["set_time"], "gs_id": "3"}]})
    assert refused.status_code == 409 and "above the station's horizon mask" in refused.json()["error"]
    assert f"the nearest pass is {p['rise_time'][:19]}" in refused.json()["error"]  # the mask's (to the second)
    ok = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": NOAA20, "type": "data", "slots": [
        {"start": p["rise_time"], "end": p["set_time"], "gs_id": "3"}]})
    assert ok.status_code == 201, ok.text


def test_a_window_withholds_passes_refuses_bookings_and_moves_a_booking_to_review():
    put("3", antennas=S_X)
    first, second = future(search(NOAA20, "3", min_el=5))[:2]
    slot = {"start": first["rise_time"], "end": first["set_time"], "gs_id": "3"}
    booked = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": NOAA20, "type": "data",
                                                                   "slots": [slot]})
    assert booked.status_code == 201, booked.text
    booking_id = booked.json()["bookingId"]

    start = parse(first["rise_time"]) - timedelta(minutes=1)
    end = parse(second["set_time"]) + timedelta(minutes=1)
    r = admin.post("/admin/stations/3/registry/unavailability", headers=ADMIN, json={
        "id": "w-radome", "start": start.isoformat(), "end": end.isoformat(), "reason": "radome repair"})
    assert r.status_code == 201, r.text
    assert r.json()["moved_to_review"] == [booking_id] and r.json()["unavailability"][0]["id"] == "w-radome"

    [b] = bookings.get("/orbapi/bookings", headers=DEMO).json()["bookings"]
    assert b["status"] == "Review" and b["slots"][0]["status"] == "Review"
    from shared.adapters.dynamo.ledger import ledger_store

    held = ledger_store().get(booking_id)
    assert held is not None and "unavailability window w-radome" in held.state_msg
    assert "radome repair" in held.state_msg
    from shared.adapters.dynamo.outbox import DynamoEventOutbox

    states = [(e.detail["previousState"], e.detail["state"]) for e in DynamoEventOutbox().pending(100)
              if e.detail.get("bookingId") == booking_id]
    assert ("CONFIRMED", "REVIEW") in states

    slot2 = {"start": second["rise_time"], "end": second["set_time"], "gs_id": "3"}
    refused = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": NOAA20, "type": "data",
                                                                    "slots": [slot2]})
    assert refused.status_code == 409
    assert "w-radome" in refused.json()["error"] and "radome repair" in refused.json()["error"]

    body = search(NOAA20, "3", min_el=5)
    assert not [p for p in body["passes"] if parse(p["rise_time"]) < end and start < parse(p["set_time"])]
    assert any("withheld" in w and "radome repair" in w for w in body["warnings"])

    again = admin.post("/admin/stations/3/registry/unavailability", headers=ADMIN, json={
        "id": "w-radome", "start": start.isoformat(), "end": end.isoformat(), "reason": "radome repair"})
    assert again.status_code == 201 and again.json()["moved_to_review"] == []  # a retry moves nothing twice

    removed = admin.delete("/admin/stations/3/registry/unavailability/w-radome", headers=ADMIN)
    assert removed.status_code == 200 and removed.json()["confirmed_again"] == [booking_id]
    assert bookings.get("/orbapi/bookings", headers=DEMO).json()["bookings"][0]["status"] == "Confirmed"
    gone = admin.delete("/admin/stations/3/registry/unavailability/w-radome", headers=ADMIN)
    assert gone.status_code == 404 and "no unavailability window w-radome" in gone.json()["error"]


def test_a_station_without_a_band_for_the_satellite_refuses_the_booking():
    put("4", antennas=S_X)
    p = future(search(ISS, "4", min_el=5))[0]
    r = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": ISS, "type": "data", "slots": [
        {"start": p["rise_time"], "end": p["set_time"], "gs_id": "4"}]})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error.startswith("slots.0.gs_id: satellite 25544: ground station 4 has no antenna receiving")
    assert "145.800 MHz (transmitter PjfcFc4PZ8M8n3thuyA6x9 ISS Mode V/V FM)" in error
    assert "S downlink 2200–2300 MHz (antenna 13m)" in error
    put("4", antennas=[{"id": "yagi", "bands": [{"name": "VHF", "min_mhz": 144, "max_mhz": 146,
                                                 "direction": "downlink"}]}])
    ok = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": ISS, "type": "data", "slots": [
        {"start": p["rise_time"], "end": p["set_time"], "gs_id": "4"}]})
    assert ok.status_code == 201, ok.text


def test_maintenance_closes_a_space_go_site_and_shows_where_stations_are_listed():
    p = future(search(NOAA20, "1", days=1, min_el=5))[0]
    start = (parse(p["rise_time"]) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    stop = (parse(p["set_time"]) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    query = {"spacecraft_id": "sc-noaa20", "site_id": "1", "service_config_id": "svc-noaa20-hrd",
             "start": p["rise_time"], "end": p["set_time"]}
    assert contacts.get("/api/v1/contacts/availability", headers=DEMO, params=query).json()[
        "availability_status"] in ("available", "partial")

    r = admin.put("/admin/stations/1/registry/status", headers=ADMIN, json={"status": "maintenance"})
    assert r.status_code == 200 and r.json()["status"] == "maintenance"
    av = contacts.get("/api/v1/contacts/availability", headers=DEMO, params=query)
    assert av.status_code == 200 and av.json()["availability_status"] == "unavailable"
    refused = contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": start, "end": stop, "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})
    assert refused.status_code == 400, refused.text  # Space Go's conflicts are 400 problems (seed 000)
    assert refused.headers["content-type"] == "application/problem+json"
    assert "ground station 1 is in maintenance" in refused.json()["detail"]
    assert search(NOAA20, "1", days=1)["total"] == 0

    site = sites.get("/api/v1/sites/1", headers=DEMO).json()
    assert site["operational_status"] == "maintenance" and site["id"] == "1" and site["latitude"]
    listed = {s["id"]: s for s in sites.get("/api/v1/sites", headers=DEMO).json()}
    assert listed["1"]["operational_status"] == "maintenance" and "operational_status" not in listed["2"]
    status = broker.get("/orbapi/gs/id/1/status", headers=DEMO).json()
    assert status["status"] in ("online", "offline") and status["operatorStatus"] == "maintenance"

    put("1", antennas=S_X, status="testing")
    gs = catalog.get("/orbapi/gs/id/1", headers=DEMO).json()["data"][0]
    assert gs["operatorStatus"] == "testing" and "X downlink 8025–8400 MHz (13m)" in gs["bands"]
    assert set(catalog.get("/orbapi/gs", headers=DEMO).json()["data"][1]) == {
        "id", "description", "latitude", "longitude", "altitude"}  # no entry: seed 001's fields only
    ok = contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": start, "end": stop, "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})
    assert ok.status_code == 201, ok.text  # testing stations take contacts
