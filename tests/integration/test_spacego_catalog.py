"""Space Go sites, spacecraft, TLE and service configurations (seed 000)."""

import uuid

import pytest
from fastapi.testclient import TestClient

from functions.spacego_catalog.app import app
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
OWNER = bearer("demo", "sites.view spacecraft.view tle.view")


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def problem(r, status: int, fragment: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) == {"title", "detail", "trace_id"} and fragment in body["detail"]
    assert body["trace_id"] == r.headers["x-request-id"]
    uuid.UUID(body["trace_id"])
    return body


def test_sites_are_the_stations_with_string_coordinates():
    sites = client.get("/api/v1/sites", headers=OWNER).json()
    assert len(sites) == 14
    esr = client.get("/api/v1/sites/3", headers=OWNER).json()
    assert esr == {"id": "3", "name": "SSC Esrange Satellite Station, Kiruna", "acronym": "ESR",
                   "latitude": "67.89335", "longitude": "21.064341", "altitude": "341"}


def test_sites_filter_by_one_parameter_only():
    by_acronym = client.get("/api/v1/sites?acronym=ESR&acronym=wgs", headers=OWNER).json()
    assert sorted(s["id"] for s in by_acronym) == ["3", "4"]
    problem(client.get("/api/v1/sites?acronym=ESR&name=x", headers=OWNER), 400, "only one query parameter")
    problem(client.get("/api/v1/sites?colour=red", headers=OWNER), 400, "unknown query parameter 'colour'")


def test_spacecraft_shape_and_ownership():
    listing = client.get("/api/v1/spacecraft", headers=OWNER).json()
    assert len(listing) == 2
    sc = listing[0]
    assert set(sc) == {"spacecraft_id", "norad_id", "name", "acronym", "services", "sites", "booking_horizon"}
    assert sc["services"]["contact"] and all(isinstance(s, str) for s in sc["sites"])
    assert set(sc["booking_horizon"]) == {"start", "end"}
    one = client.get(f"/api/v1/spacecraft/{sc['spacecraft_id']}", headers=OWNER).json()
    assert one["spacecraft_id"] == sc["spacecraft_id"]
    stranger = bearer("mallory", "spacecraft.view tle.view")
    assert client.get("/api/v1/spacecraft", headers=stranger).json() == []
    problem(client.get(f"/api/v1/spacecraft/{sc['spacecraft_id']}", headers=stranger), 404, "does not exist")
    problem(client.get(f"/api/v1/spacecraft/{sc['spacecraft_id']}/tle", headers=stranger), 404, "does not exist")


def test_spacecraft_filters():
    listing = client.get("/api/v1/spacecraft", headers=OWNER).json()
    norad = listing[0]["norad_id"]
    assert [s["norad_id"] for s in client.get(f"/api/v1/spacecraft?norad_id={norad}", headers=OWNER).json()] == [norad]
    problem(client.get("/api/v1/spacecraft?norad_id=abc", headers=OWNER), 400, "norad_id")
    problem(client.get("/api/v1/spacecraft?name=a&acronym=b", headers=OWNER), 400, "only one query parameter")


def test_spacecraft_tle_is_the_satellites_current_element_set():
    sc = client.get("/api/v1/spacecraft", headers=OWNER).json()[0]
    tle = client.get(f"/api/v1/spacecraft/{sc['spacecraft_id']}/tle", headers=OWNER).json()
    assert set(tle) == {"line1", "line2", "tle_epoch", "tle_age_days", "tle_warning"}  # the demo sets are old
    assert tle["line1"].startswith(f"1 {sc['norad_id']:05d}") and len(tle["line2"]) == 69
    from shared.adapters.dynamo.catalog import catalog_repository

    stored = catalog_repository().get_satellite(sc["norad_id"]).tle
    assert (tle["line1"], tle["line2"]) == (stored.line1, stored.line2)
    assert tle["tle_epoch"] == stored.epoch.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stored.epoch.microsecond // 1000:03d}Z"
    assert tle["tle_age_days"] > 3 and tle["tle_warning"].startswith(f"the element set's epoch {tle['tle_epoch']} is ")


def test_service_configurations():
    sc = client.get("/api/v1/spacecraft", headers=OWNER).json()[0]
    base = f"/api/v1/spacecraft/{sc['spacecraft_id']}/service-types"
    services = client.get(f"{base}/contact/services", headers=OWNER).json()
    assert [s["id"] for s in services] == sc["services"]["contact"]
    assert all(set(s) == {"id", "name", "description"} for s in services)
    one = client.get(f"{base}/contact/services/{services[0]['id']}", headers=OWNER).json()
    assert one == services[0]
    named = client.get(f"{base}/contact/services?name={services[0]['name']}", headers=OWNER).json()
    assert named == [services[0]]
    problem(client.get(f"{base}/contact/services/nope", headers=OWNER), 404, "nope")
    problem(client.get(f"{base}/telemetry/services", headers=OWNER), 400, "service_type")


def test_scopes_and_tokens():
    problem(client.get("/api/v1/sites"), 401, "missing Authorization header")
    problem(client.get("/api/v1/sites", headers=bearer("demo", "spacecraft.view")), 403, "sites.view")
    assert client.get("/api/v1/sites/3", headers=bearer("demo", "sites")).status_code == 200
    problem(client.get("/api/v1/sites/nope", headers=OWNER), 404, "site 'nope' does not exist")


def test_over_long_ids_are_400_problems():
    problem(client.get("/api/v1/sites/" + "s" * 65, headers=OWNER), 400, "path parameter 'site_id'")
    problem(client.get("/api/v1/spacecraft/" + "s" * 65, headers=OWNER), 400, "path parameter 'spacecraft_id'")
