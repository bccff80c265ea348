"""End to end over the local runtime, in real time: reservations on passes starting within a few minutes move by
the runtime's own lifecycle timer (``GROUNDLINK_LIFECYCLE_TICK_S``, 5 s by default) — an orbapi booking with an
uplink file Pending → InProgress → AwaitingReport → Completed with its file consumed, and a Space Go contact
CONFIRMED → ONGOING → POST_CONTACT → SUCCESS — the station reporting through the command broker. Each window is
one minute inside a pass, so the test takes about three minutes. Both owners have a webhook on a receiver on a
loopback port that refuses its first request: each receives every transition of its own reservation (and the
client its file's ``consumed``), signed, exactly once by event id, the refused delivery included later."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.webhooks.models import verify_signature
from shared.resources import UPLINK
from shared.timefmt import iso_minute, iso_ms
from tests.e2e.runtime import aws_client, call, cli, start_runtime
from tests.e2e.test_webhooks_flow import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
PAYLOAD = os.urandom(64 * 1024)
LEO = (25544, 43013, 37849, 38771, 25994, 27424, 39084, 39634, 42063, 41335, 20580, 43689)
LEAD = timedelta(seconds=75)  # the first window starts this long after the search: booking and setup fit before it

RETRY_BASE_S = 1


@pytest.fixture(scope="module")
def runtime():
    yield from start_runtime({"GROUNDLINK_WEBHOOK_RETRY_BASE_S": str(RETRY_BASE_S)})


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Window:
    norad_id: int
    gs_id: str
    start: datetime
    end: datetime


def soonest_windows(base: str, token: str) -> tuple[Window, Window]:
    """A one-minute window (ms edges) for the booking and a one-minute contact window (minute edges), each inside
    a pass above 10° (every demo station's mask or lower) starting soon, not overlapping at one station."""
    now = datetime.now(UTC)
    earliest = now + LEAD
    bookings, contacts = [], []
    for norad_id in LEO:
        status, found = call("POST", f"{base}/orbapi/passes/search", token,
                             {"noradId": norad_id, "days": 0.25, "minElevationDeg": 10})
        assert status == 200, found
        for p in found["passes"]:
            rise, set_ = _t(p["rise_time"]) + timedelta(seconds=20), _t(p["set_time"]) - timedelta(seconds=20)
            start = max(rise, earliest).replace(microsecond=0)
            if start + timedelta(minutes=1) <= set_:
                bookings.append(Window(norad_id, p["groundStationId"], start, start + timedelta(minutes=1)))
            minute = (max(rise, earliest) + timedelta(seconds=59)).replace(second=0, microsecond=0)
            if minute + timedelta(minutes=1) <= set_:
                contacts.append(Window(norad_id, p["groundStationId"], minute, minute + timedelta(minutes=1)))
    booking = min(bookings, key=lambda w: w.start)
    contact = min((w for w in contacts if w.gs_id != booking.gs_id or w.start >= booking.end
                   or w.end <= booking.start), key=lambda w: w.start)
    return booking, contact


def wait_for(what, predicate, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while True:
        value = what()
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_reservations_move_in_real_time_to_success_with_the_uplink_file_consumed(runtime, tmp_path):
    from shared.auth import issue_jwt

    base = runtime.base
    client = issue_jwt("client_lifecycle", ["passes", "bookings"])
    operator = issue_jwt("ops_lifecycle", ["contacts", "spacecraft", "passes"])
    admin = issue_jwt("ops", ["admin"])
    w, cw = soonest_windows(base, client)
    print(f"\nbooking {w.norad_id} at {w.gs_id} {iso_ms(w.start)}; contact {cw.norad_id} at {cw.gs_id} "
          f"{iso_minute(cw.start)}")

    # the operator's spacecraft registration for the contact's satellite and site (the CLI, as an operator does)
    registration = tmp_path / "spacecraft.json"
    registration.write_text(json.dumps([{
        "spacecraft_id": "sc-lifecycle", "norad_id": cw.norad_id, "name": "lifecycle e2e", "acronym": "LCE2E",
        "owner": "ops_lifecycle", "sites": [cw.gs_id], "booking_horizon_days": 14,
        "services": [{"id": "svc-lce2e", "type": "contact", "name": "S-band", "description": "e2e"}]}]))
    cli(runtime, "import-spacecraft", str(registration))

    receiver = Receiver(refuse=1).__enter__()
    hooks = {}
    for owner, jwt, types in (("client", issue_jwt("client_lifecycle", ["webhooks:manage"]),
                               ["Reservation State Change", "File State Change"]),
                              ("operator", issue_jwt("ops_lifecycle", ["webhooks:manage"]),
                               ["Reservation State Change"])):
        status, hooks[owner] = call("POST", f"{base}/orbapi/webhooks", jwt,
                                    {"url": f"{receiver.url}/{owner}", "eventTypes": types})
        assert status == 201, hooks[owner]

    key = "clients/client_lifecycle/lifecycle.bin"
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    status, booked = call("POST", f"{base}/orbapi/bookings", client, {
        "norad_cat_id": w.norad_id, "type": "data",
        "slots": [{"start": iso_ms(w.start), "end": iso_ms(w.end), "gs_id": w.gs_id}],
        "uplinkFile": {"key": key, "sha256": sha}})
    assert status == 201, booked
    bid = booked["bookingId"]
    s3 = aws_client(runtime, "s3")
    s3.put_object(Bucket=UPLINK.local_name, Key=key, Body=PAYLOAD)

    def uplink() -> dict:
        return call("GET", f"{base}/orbapi/bookings/{bid}/uplink-files", client)[1]["files"][0]

    assert wait_for(uplink, lambda f: f["status"] == "available", 30)["status"] == "available"

    def contact_body() -> dict:
        return {"spacecraft_id": "sc-lifecycle", "start": iso_minute(cw.start), "end": iso_minute(cw.end),
                "site_id": cw.gs_id, "service": {"id": "svc-lce2e"}}

    status, made = wait_for(lambda: call("POST", f"{base}/api/v1/contacts", operator, contact_body()),
                            lambda r: r[0] == 201, 15)  # the catalogue cache sees the registration within 5 s
    assert status == 201, made
    cid = made["contact_id"]

    def booking() -> dict:
        return next(b for b in call("GET", f"{base}/orbapi/bookings", client)[1]["bookings"] if b["id"] == bid)

    def contact() -> dict:
        return call("GET", f"{base}/api/v1/contacts/{cid}", operator)[1]

    assert booking()["status"] == "Pending" and contact()["state"] == "CONFIRMED"
    status, tokens = call("POST", f"{base}/admin/api-tokens", admin,
                          {"owner": f"station-{w.gs_id}", "scopes": ["station"], "name": "e2e lifecycle"})
    assert status in (200, 201), tokens
    station = tokens["token"]
    if cw.gs_id != w.gs_id:
        status, tokens = call("POST", f"{base}/admin/api-tokens", admin,
                              {"owner": f"station-{cw.gs_id}", "scopes": ["station"], "name": "e2e lifecycle"})
        assert status in (200, 201), tokens
    contact_station = tokens["token"]
    tick = 5 + 10  # the timer's period and slack

    # the windows begin: the timer moves both
    seen = wait_for(booking, lambda b: b["status"] == "InProgress",
                    (w.start - datetime.now(UTC)).total_seconds() + tick)
    assert seen["status"] == "InProgress" and _t(seen["updatedAt"]) >= w.start, seen
    assert seen["statusMessage"].startswith(f"the window at ground station {w.gs_id} began at")
    # refused while the window runs (asked at once: the contact's window may begin only after this one ended)
    status, refused = call("DELETE", f"{base}/orbapi/bookings/{bid}", client)
    assert status == 409 and refused["error"].startswith(f"booking {bid} is InProgress"), refused
    c = wait_for(contact, lambda c: c["state"] == "ONGOING", (cw.start - datetime.now(UTC)).total_seconds() + tick)
    assert c["state"] == "ONGOING", c

    # the windows end: awaiting the station's report
    seen = wait_for(booking, lambda b: b["status"] == "AwaitingReport",
                    (w.end - datetime.now(UTC)).total_seconds() + tick)
    assert seen["status"] == "AwaitingReport", seen
    c = wait_for(contact, lambda c: c["state"] == "POST_CONTACT", (cw.end - datetime.now(UTC)).total_seconds() + tick)
    assert c["state"] == "POST_CONTACT" and "its report is awaited until" in c["state_msg"], c

    # the stations report through the command broker
    status, result = call("POST", f"{base}/stations/v1/contacts/{bid}/result", station, {"status": "completed"})
    assert status == 200 and result["bookingStatus"] == "Completed", result
    status, result = call("POST", f"{base}/stations/v1/contacts/{cid}/result", contact_station,
                          {"status": "completed", "message": "all frames received"})
    assert status == 200, result
    assert booking()["status"] == "Completed" and uplink()["status"] == "consumed"
    done = contact()
    assert (done["state"], done["state_msg"]) == ("SUCCESS", "all frames received")
    print(f"booking Pending → Completed in {(datetime.now(UTC) - w.start).total_seconds():.0f} s from its "
          "window's start (a one-minute window)")

    # every transition reached its owner's webhook, signed, once by event id (the first request was refused)
    def received(path: str) -> list[dict]:
        return [json.loads(r["body"]) for r in receiver.accepted if r["path"] == path]

    def states(path: str, reservation: int) -> list[str]:
        return [e["detail"]["state"] for e in received(path) if e["detail-type"] == "Reservation State Change"
                and e["detail"]["bookingId"] == reservation]

    wait_for(lambda: states("/operator", int(cid)), lambda s: "SUCCESS" in s, 30)
    wait_for(lambda: received("/client"), lambda evs: any(e["detail"].get("state") == "consumed" for e in evs), 30)
    time.sleep(3 * RETRY_BASE_S + 1)  # room for a duplicate to show up
    receiver.__exit__(None, None, None)
    assert receiver.requests[0] not in receiver.accepted  # the first delivery was refused ...
    refused_id = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}["groundlink-event-id"]
    accepted_ids = [json.loads(r["body"])["id"] for r in receiver.accepted]
    assert refused_id in accepted_ids  # ... and delivered later
    assert len(accepted_ids) == len(set(accepted_ids))  # exactly once by event id
    assert sorted(states("/operator", int(cid)), key=["CONFIRMED", "ONGOING", "POST_CONTACT", "SUCCESS"].index) == [
        "CONFIRMED", "ONGOING", "POST_CONTACT", "SUCCESS"]
    assert sorted(states("/client", bid), key=["CONFIRMED", "ONGOING", "POST_CONTACT", "SUCCESS"].index) == [
        "CONFIRMED", "ONGOING", "POST_CONTACT", "SUCCESS"]
    assert {e["owner"] for e in received("/operator")} == {"ops_lifecycle"}
    assert {e["owner"] for e in received("/client")} == {"client_lifecycle"}
    files = [e["detail"]["state"] for e in received("/client") if e["detail-type"] == "File State Change"]
    assert sorted(files) == ["available", "consumed"]
    for request in receiver.accepted:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        owner = request["path"].strip("/")
        assert verify_signature(hooks[owner]["secret"], headers["groundlink-timestamp"], request["body"],
                                headers["groundlink-signature"]), request["path"]
