"""Space Go contacts (seed 000) on the same antenna-time ledger as orbapi bookings."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_passes.app import app as passes_app
from functions.spacego_contacts.app import app as contacts_app
from functions.spacego_tle.app import app as tle_app
from shared.resources import LEDGER
from tests.integration.conftest import bearer

contacts = TestClient(contacts_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
bookings = TestClient(bookings_app, raise_server_exceptions=False)
tle = TestClient(tle_app, raise_server_exceptions=False)
DEMO = bearer("demo", "contacts spacecraft.view tle passes bookings")
STRANGER = bearer("mallory", "contacts spacecraft tle passes bookings")


@pytest.fixture(autouse=True)
def _fresh_ledger(demo):
    from shared.aws import client

    ddb = client("dynamodb")
    for it in ddb.scan(TableName=LEDGER.local_name)["Items"]:
        ddb.delete_item(TableName=LEDGER.local_name, Key={"pk": it["pk"], "sk": it["sk"]})


@pytest.fixture
def next_pass(demo):
    """The next NOAA 20 pass over SvalSat (site 1, allowed for sc-noaa20) that starts > 2 minutes from now."""
    body = passes.post("/orbapi/passes/search", headers=DEMO,
                       json={"noradId": 43013, "days": 1, "groundStationIds": ["1"], "minElevationDeg": 5}).json()
    soon = datetime.now(UTC) + timedelta(minutes=15)  # the tests' windows (rise - 10 min, ...) stay ahead
    return next(p for p in body["passes"] if parse(p["rise_time"]) > soon)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def minute_inside(p: dict) -> tuple[str, str]:
    start = (parse(p["rise_time"]) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    end = (parse(p["set_time"]) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    return start, end


def create(start, end, headers=DEMO, site="1", service="svc-noaa20-hrd", spacecraft="sc-noaa20"):
    return contacts.post("/api/v1/contacts", headers=headers, json={
        "spacecraft_id": spacecraft, "start": start, "end": end, "site_id": site, "service": {"id": service}})


def problem(r, status, fragment):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert fragment in r.json()["detail"] and r.json()["trace_id"] == r.headers["x-request-id"]


def test_create_get_list_delete_contact(next_pass):
    start, end = minute_inside(next_pass)
    r = create(start, end)
    assert r.status_code == 201, r.text
    contact_id = r.json()["contact_id"]
    assert isinstance(contact_id, str)

    c = contacts.get(f"/api/v1/contacts/{contact_id}", headers=DEMO).json()
    assert c["id"] == contact_id and c["spacecraft_id"] == "sc-noaa20" and c["site_id"] == "1"
    assert (c["start"], c["end"]) == (start.replace(":00Z", "Z"), end.replace(":00Z", "Z"))  # YYYY-MM-DDThh:mmZ
    assert c["service"]["id"] == "svc-noaa20-hrd" and c["service"]["name"] and c["state"] == "CONFIRMED"

    listed = contacts.get("/api/v1/contacts", headers=DEMO).json()
    assert [x["id"] for x in listed] == [contact_id]
    assert contacts.get("/api/v1/contacts?state=CANCELLED", headers=DEMO).json() == []
    assert contacts.get("/api/v1/contacts?site_id=2", headers=DEMO).json() == []
    assert contacts.get("/api/v1/contacts", headers=STRANGER).json() == []
    problem(contacts.get(f"/api/v1/contacts/{contact_id}", headers=STRANGER), 404, "does not exist")
    problem(contacts.delete(f"/api/v1/contacts/{contact_id}", headers=STRANGER), 404, "does not exist")

    d = contacts.delete(f"/api/v1/contacts/{contact_id}", headers=DEMO)
    assert d.status_code == 204 and d.content == b""
    assert contacts.delete(f"/api/v1/contacts/{contact_id}", headers=DEMO).status_code == 204  # retry: no change
    c = contacts.get(f"/api/v1/contacts/{contact_id}", headers=DEMO).json()
    assert c["state"] == "CANCELLED" and "deleted by demo" in c["state_msg"]
    report = contacts.get(f"/api/v1/post-contact-reports/{contact_id}", headers=DEMO).json()
    assert report["aborted"] is True and report["channels"] == [] and report["contact_id"] == contact_id
    assert create(start, end).status_code == 201  # the window is free again


def test_one_ledger_for_both_apis(next_pass):
    start, end = minute_inside(next_pass)
    assert create(start, end).status_code == 201
    slot = {"start": next_pass["rise_time"], "end": next_pass["set_time"], "gs_id": "1"}
    r = bookings.post("/orbapi/bookings", headers=STRANGER, json={"norad_cat_id": 43013, "type": "data",
                                                                 "slots": [slot]})
    assert r.status_code == 409 and "ground station 1 is already reserved" in r.json()["error"]
    problem(create(start, end), 400, "ground station 1 is already reserved")  # seed 000: 400, not 409


def test_contact_outside_a_pass_and_invalid_references(next_pass):
    rise = parse(next_pass["rise_time"])
    early = (rise - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%MZ")
    problem(create(early, next_pass["set_time"]), 400, "is not inside a visibility pass")
    start, end = minute_inside(next_pass)
    problem(create(start, end, site="3"), 400, "site_id: site '3' is not a valid site")
    problem(create(start, end, service="svc-ao73-bpsk"), 400, "service.id: service configuration")
    problem(create(start, end, spacecraft="sc-nope"), 400, "spacecraft_id: spacecraft 'sc-nope' does not exist")
    problem(create(start, end, headers=STRANGER), 400, "spacecraft 'sc-noaa20' does not exist")
    problem(create(end, start), 400, "end must be after start")
    problem(create("2020-01-01T00:00Z", "2020-01-01T00:10Z"), 400, "in the past")
    far = datetime.now(UTC) + timedelta(days=40)
    problem(create(far.strftime("%Y-%m-%dT%H:%MZ"), (far + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%MZ")),
            400, "beyond the booking horizon")


def test_availability(next_pass):
    start = (parse(next_pass["rise_time"]) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (parse(next_pass["set_time"]) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    q = f"spacecraft_id=sc-noaa20&site_id=1&service_config_id=svc-noaa20-hrd&start={start}&end={end}"
    a = contacts.get(f"/api/v1/contacts/availability?{q}", headers=DEMO).json()
    assert a["availability_status"] == "partial"
    slot = a["available_time_slot"]
    assert parse(slot["start"]) >= parse(next_pass["rise_time"]) and parse(slot["end"]) <= parse(next_pass["set_time"])
    assert create(slot["start"], slot["end"]).status_code == 201  # what availability offers is bookable
    after = contacts.get(f"/api/v1/contacts/availability?{q}", headers=DEMO).json()
    assert after["availability_status"] == "unavailable" and "available_time_slot" not in after
    inner_q = q.replace(f"start={start}", f"start={slot['start']}").replace(f"end={end}", f"end={slot['end']}")
    assert contacts.get(f"/api/v1/contacts/availability?{inner_q}", headers=DEMO).json()["availability_status"] \
        == "unavailable"
    problem(contacts.get("/api/v1/contacts/availability?spacecraft_id=sc-noaa20", headers=DEMO), 400,
            "query parameter 'site_id' is required")


def test_list_validation_and_scopes():
    problem(contacts.get("/api/v1/contacts?state=DONE", headers=DEMO), 400, "query parameter 'state'")
    problem(contacts.get("/api/v1/contacts?start=yesterday", headers=DEMO), 400, "query parameter 'start'")
    problem(contacts.get("/api/v1/contacts", headers=bearer("demo", "contacts.create")), 403, "contacts.view")
    problem(contacts.get("/api/v1/contacts/abc", headers=DEMO), 404, "contact 'abc' does not exist")
    problem(contacts.get("/api/v1/post-contact-reports/99", headers=DEMO), 404, "does not exist")


def test_tle_upload_joins_the_history():
    line1 = "1 43013U 17073A   26108.17219596  .00000036  00000+0  38109-4 0  9999"
    line2 = "2 43013  98.7737  48.1719 0002154  85.2820 274.8602 14.19545792435829"
    r = tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO, json={"line1": line1, "line2": line2})
    assert r.status_code == 201, r.text
    assert r.json()["current"] is True and r.json()["epoch"].startswith("2026-04-18T04:07:57")
    from shared.adapters.dynamo.catalog import catalog_repository

    history = catalog_repository().element_set_history(43013)
    assert [h.source for h in history][-1] == "spacego-upload" and history[-1].uploaded_by == "demo"
    problem(tle.post("/api/v1/spacecraft/sc-ao73/tle", headers=DEMO, json={"line1": line1, "line2": line2}),
            400, "catalogue number 43013 is not spacecraft 'sc-ao73'")
    problem(tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO,
                     json={"line1": line1, "line2": line2[:-1] + "0"}), 400, "line 2: checksum")
    problem(tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=STRANGER, json={"line1": line1, "line2": line2}),
            404, "does not exist")
    problem(tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=bearer("demo", "tle.view"),
                     json={"line1": line1, "line2": line2}), 403, "tle.upload")
