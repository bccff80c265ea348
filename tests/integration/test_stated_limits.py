"""Limits the seeds do not state are stated twice: in the OpenAPI documents and in the error that enforces
them (Space Go: availability range, booking horizon, default listing window; orbapi: page size, slots per
booking, slot length, pass-search days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_catalog.app import app as catalog_app
from functions.spacego_contacts.app import app as contacts_app
from shared.surfaces.openapi import surface_document
from tests.integration.conftest import bearer

contacts = TestClient(contacts_app, raise_server_exceptions=False)
catalog = TestClient(catalog_app, raise_server_exceptions=False)
bookings = TestClient(bookings_app, raise_server_exceptions=False)
DEMO = bearer("demo", "contacts spacecraft.view passes bookings")


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def minute(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%MZ")


def test_space_go_document_states_its_limits():
    paths = surface_document("spacego")["paths"]
    assert "at most 7 days" in paths["/contacts/availability"]["get"]["description"]
    assert "`start` + 7 days" in paths["/contacts"]["get"]["description"]
    assert "at most 14 days" in paths["/contacts"]["post"]["description"]
    schemas = surface_document("spacego")["components"]["schemas"]
    end = schemas["ContactCreateRequest"]["properties"]["end"]["description"]
    assert "at most 24 hours" in end and "at most 14 days" in end


def test_space_go_errors_state_the_limit():
    now = datetime.now(UTC)
    q = (f"spacecraft_id=sc-noaa20&site_id=1&service_config_id=svc-noaa20-hrd&start={minute(now)}"
         f"&end={minute(now + timedelta(days=8))}")
    r = contacts.get(f"/api/v1/contacts/availability?{q}", headers=DEMO)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "end: the time range may span at most 7 days"
    far = now + timedelta(days=40)
    r = contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": minute(far), "end": minute(far + timedelta(minutes=10)),
        "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "is beyond the booking horizon of 14 days" in r.json()["detail"]
    assert "at most 14 days" in r.json()["detail"]


def test_orbapi_document_states_its_limits():
    document = surface_document("orbapi")
    [limit] = [p for p in document["paths"]["/orbapi/gs"]["get"]["parameters"] if p["name"] == "limit"]
    assert limit["description"] == "maximum number of records: 1 to 1000, default 100"
    assert limit["schema"]["maximum"] == 1000
    schemas = document["components"]["schemas"]
    booking = schemas["BookingRequest"]["properties"]["slots"]
    assert booking["maxItems"] == 20 and "1 to 20" in booking["description"]
    slot_end = schemas["SlotIn"]["properties"]["end"]["description"]
    assert "at most 24 hours" in slot_end and "14 days" in slot_end


def test_orbapi_errors_state_the_limit():
    r = catalog.get("/orbapi/gs?limit=1001", headers=DEMO)
    assert r.status_code == 400 and set(r.json()) == {"error"} and "1000" in r.json()["error"]
    start = datetime.now(UTC) + timedelta(hours=1)
    slot = {"start": minute(start), "end": minute(start + timedelta(hours=25)), "gs_id": "1"}
    r = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": 43013, "type": "data", "slots": [slot]})
    assert r.status_code == 400 and "a slot may last at most 24 hours" in r.json()["error"]
    slots = [{"start": minute(start + timedelta(hours=i)), "end": minute(start + timedelta(hours=i, minutes=5)),
              "gs_id": "1"} for i in range(21)]
    r = bookings.post("/orbapi/bookings", headers=DEMO, json={"norad_cat_id": 43013, "type": "data", "slots": slots})
    assert r.status_code == 400 and "20" in r.json()["error"]
