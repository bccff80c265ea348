"""The reservation lifecycle on both APIs' wire (moto): Space Go states and state_msg, the last_updated filter,
cancel refusals in each surface's format, orbapi statuses, uplink files consumed or failed with the contact, and
the events written with every change. The clock is moved by patching the domain modules' ``utcnow``; the sweep
is the lifecycle function's own handler."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.ledger_lifecycle.handler import handler as lifecycle_handler
from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_files.app import app as files_app
from functions.orbapi_passes.app import app as passes_app
from functions.spacego_contacts.app import app as contacts_app
from functions.station_broker.app import app as broker_app
from infra.local.pump import FakeLambdaContext
from infra.local.timers import SCHEDULED_EVENT
from shared.domain.events.models import FILE_STATE_CHANGE, RESERVATION_STATE_CHANGE
from shared.identity_tokens import create_api_token
from shared.resources import UPLINK
from shared.settings import get_settings
from shared.timefmt import iso_minute, iso_ms
from tests.integration.conftest import bearer
from tests.integration.test_files_support import start_platform

_platform = pytest.fixture(scope="module", name="platform")(start_platform)

contacts = TestClient(contacts_app, raise_server_exceptions=False)
bookings = TestClient(bookings_app, raise_server_exceptions=False)
files = TestClient(files_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
broker = TestClient(broker_app, raise_server_exceptions=False)
DEMO = bearer("demo", "contacts spacecraft.view passes bookings")
PAYLOAD = b"uplink commands " * 256


class Clock:
    now: datetime | None = None


@pytest.fixture
def clock(monkeypatch):
    """The domain's clock, settable (None: the real time)."""
    import shared.domain.ledger.service as ledger
    import shared.domain.stations.service as stations
    from shared.timefmt import utcnow

    c = Clock()
    for module in (ledger, stations):
        monkeypatch.setattr(module, "utcnow", lambda: c.now or utcnow())
    return c


def sweep() -> dict:
    return lifecycle_handler(dict(SCHEDULED_EVENT), FakeLambdaContext("ledger_lifecycle"))


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def next_pass(gs_id: str, after: datetime) -> dict:
    body = passes.post("/orbapi/passes/search", headers=DEMO,
                       json={"noradId": 43013, "days": 2, "groundStationIds": [gs_id], "minElevationDeg": 5}).json()
    return next(p for p in body["passes"] if parse(p["rise_time"]) > after
                and parse(p["set_time"]) - parse(p["rise_time"]) > timedelta(minutes=4))


def station(gs_id: str) -> dict:
    token, _ = create_api_token(owner=f"station-{gs_id}", scopes=["station"], name=f"station {gs_id}")
    return {"Authorization": f"Bearer {token}"}


def events_of(booking_id: int, detail_type: str = RESERVATION_STATE_CHANGE) -> list[dict]:
    from shared.adapters.dynamo.outbox import DynamoEventOutbox

    return [e.detail for e in DynamoEventOutbox().pending(1000)
            if e.detail_type == detail_type and e.detail["bookingId"] == booking_id]


def test_a_space_go_contact_moves_with_time_and_the_station_report(platform, clock):
    p = next_pass("1", datetime.now(UTC) + timedelta(minutes=10))
    start = (parse(p["rise_time"]) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%MZ")
    end = (parse(p["set_time"]) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%MZ")
    r = contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": start, "end": end, "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})
    assert r.status_code == 201, r.text
    cid = r.json()["contact_id"]
    created = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert (created["state"], created["state_msg"]) == ("CONFIRMED", "site 1 reserved")

    # the window begins: the sweep moves it to ONGOING, last_updated with it
    clock.now = parse(start) + timedelta(seconds=30)
    assert sweep()["moved"] >= 1
    c = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert c["state"] == "ONGOING" and c["state_msg"].startswith("the window at ground station 1 began at")
    assert c["last_updated"] == iso_ms(clock.now)
    since = [x["id"] for x in contacts.get("/api/v1/contacts", headers=DEMO,
                                           params={"last_updated": c["last_updated"]}).json()]
    later = (clock.now + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cid in since and cid not in [x["id"] for x in contacts.get(
        "/api/v1/contacts", headers=DEMO, params={"last_updated": later}).json()]
    assert [x["id"] for x in contacts.get("/api/v1/contacts", headers=DEMO, params={"state": "ONGOING"}).json()] \
        == [cid]

    # deleting it now is refused: 400 problem+json naming the state
    d = contacts.delete(f"/api/v1/contacts/{cid}", headers=DEMO)
    assert d.status_code == 400 and d.headers["content-type"] == "application/problem+json"
    assert f"contact '{cid}' is ONGOING: it started at {start}" in d.json()["detail"]
    assert sweep()["moved"] == 0  # a duplicated sweep changes nothing
    assert contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json() == c

    clock.now = parse(end) + timedelta(seconds=10)
    sweep()
    post = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert post["state"] == "POST_CONTACT" and "its report is awaited until" in post["state_msg"]

    clock.now += timedelta(seconds=1)
    r = broker.post(f"/stations/v1/contacts/{cid}/result", headers=station("1"),
                    json={"status": "partial", "message": "lost the last 20 s", "channels": [{"name": "X"}]})
    assert r.status_code == 200 and r.json()["bookingStatus"] == "Completed", r.text
    done = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert (done["state"], done["state_msg"]) == ("PARTIAL_SUCCESS", "lost the last 20 s")
    assert [(e["previousState"], e["state"]) for e in events_of(int(cid))] == [
        (None, "CONFIRMED"), ("CONFIRMED", "ONGOING"), ("ONGOING", "POST_CONTACT"),
        ("POST_CONTACT", "PARTIAL_SUCCESS")]
    assert {e["api"] for e in events_of(int(cid))} == {"spacego"}


def test_an_orbapi_booking_moves_in_step_and_its_uplink_file_is_consumed(platform, clock):
    p = next_pass("3", datetime.now(UTC) + timedelta(minutes=10))
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    r = bookings.post("/orbapi/bookings", headers=DEMO, json={
        "norad_cat_id": 43013, "type": "data", "slots": [{"start": p["rise_time"], "end": p["set_time"], "gs_id": "3"}],
        "uplinkFile": {"key": "clients/demo/lifecycle.bin", "sha256": sha}})
    assert r.status_code == 201, r.text
    bid = r.json()["bookingId"]
    platform.s3.put_object(Bucket=UPLINK.local_name, Key="clients/demo/lifecycle.bin", Body=PAYLOAD)
    platform.deliver()

    def mine() -> dict:
        return next(b for b in bookings.get("/orbapi/bookings", headers=DEMO).json()["bookings"] if b["id"] == bid)

    assert (mine()["status"], mine()["statusMessage"]) == ("Pending", "reserved at ground station 3")
    clock.now = parse(p["rise_time"]) + timedelta(seconds=20)
    sweep()
    b = mine()
    assert b["status"] == "InProgress" and [s["status"] for s in b["slots"]] == ["InProgress"]
    assert b["updatedAt"] == iso_ms(clock.now)
    refused = bookings.delete(f"/orbapi/bookings/{bid}", headers=DEMO)
    assert refused.status_code == 409
    assert refused.json() == {"error": f"booking {bid} is InProgress: it started at "
                                       f"{iso_minute(parse(p['rise_time']))} and can no longer be cancelled"}

    clock.now = parse(p["set_time"]) + timedelta(seconds=5)
    sweep()
    assert mine()["status"] == "AwaitingReport"
    clock.now += timedelta(seconds=1)
    r = broker.post(f"/stations/v1/contacts/{bid}/result", headers=station("3"), json={"status": "completed"})
    assert r.status_code == 200, r.text
    assert mine()["status"] == "Completed" and mine()["slots"][0]["status"] == "Completed"
    [f] = files.get(f"/orbapi/bookings/{bid}/uplink-files", headers=DEMO).json()["files"]
    assert f["status"] == "consumed"
    refused = bookings.delete(f"/orbapi/bookings/{bid}", headers=DEMO)
    assert refused.status_code == 409 and refused.json()["error"].startswith(f"booking {bid} is Completed")
    assert [(e["previousStatus"], e["status"]) for e in events_of(bid)] == [
        (None, "Pending"), ("Pending", "InProgress"), ("InProgress", "AwaitingReport"),
        ("AwaitingReport", "Completed")]
    file_events = events_of(bid, FILE_STATE_CHANGE)  # the verification's `available`, then the contact's
    [fe] = [e for e in file_events if e["state"] == "consumed"]
    assert file_events[-1] == fe
    assert (fe["previousState"], fe["state"], fe["s3Key"]) == ("available", "consumed", "clients/demo/lifecycle.bin")


def test_no_report_in_the_grace_period_fails_the_contact_and_its_file(platform, clock):
    p = next_pass("4", datetime.now(UTC) + timedelta(minutes=10))
    r = bookings.post("/orbapi/bookings", headers=DEMO, json={
        "norad_cat_id": 43013, "type": "data", "slots": [{"start": p["rise_time"], "end": p["set_time"], "gs_id": "4"}],
        "uplinkFile": {"key": "clients/demo/never.bin"}})
    assert r.status_code == 201, r.text
    bid = r.json()["bookingId"]
    clock.now = parse(p["set_time"]) + timedelta(seconds=get_settings().report_grace_s + 1)
    sweep()
    [b] = [x for x in bookings.get("/orbapi/bookings", headers=DEMO).json()["bookings"] if x["id"] == bid]
    assert b["status"] == "Failed" and b["statusMessage"].startswith("no report from ground station 4 within 15 min")
    [f] = files.get(f"/orbapi/bookings/{bid}/uplink-files", headers=DEMO).json()["files"]
    assert f["status"] == "failed"
    late = broker.post(f"/stations/v1/contacts/{bid}/result", headers=station("4"), json={"status": "completed"})
    assert late.status_code == 409 and "already Failed: no report" in late.json()["error"]


def test_the_orbapi_document_names_every_status(platform):
    doc = bookings_app.openapi()
    schema = doc["components"]["schemas"]["BookingOut"]["properties"]["status"]
    assert schema["enum"] == ["Pending", "Confirmed", "InProgress", "AwaitingReport", "Completed", "Failed",
                              "Cancelled", "Review"]
    assert "AwaitingReport (its window ended" in schema["description"]
    delete = doc["paths"]["/orbapi/bookings/{bookingId}"]["delete"]
    assert "409" in delete["responses"]
