"""End to end over the local runtime: a booking with an uplink file, the object put into the uplink bucket
through the embedded AWS endpoint with boto3, the S3 event through SQS and the event pump to the worker, the
file becoming available, the station polling for it (its heartbeat) and fetching it, the status endpoint."""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from shared.resources import DELIVERY, DOWNLINK, UPLINK
from tests.e2e.runtime import aws_client, call

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
PAYLOAD = os.urandom(256 * 1024)


def test_uplink_file_flow(runtime):
    from shared.auth import issue_jwt

    base = runtime.base
    assert f"s3://{UPLINK.local_name}" in runtime.banner and f"s3://{DELIVERY.local_name}" in runtime.banner
    client_jwt = issue_jwt("client_e2e", ["passes", "bookings"])
    admin_jwt = issue_jwt("ops", ["admin"])
    # Given a booking of the next NOAA 20 pass over Esrange, created with an uplink file
    status, found = call("POST", f"{base}/orbapi/passes/search", client_jwt,
                         {"noradId": 43013, "days": 2, "groundStationIds": ["3"], "minElevationDeg": 5})
    assert status == 200, found
    soon = time.time() + 300
    p = next(p for p in found["passes"]
             if datetime.fromisoformat(p["rise_time"].replace("Z", "+00:00")).timestamp() > soon)
    key = "clients/client_e2e/bookings/uplink.bin"
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    status, booking = call("POST", f"{base}/orbapi/bookings", client_jwt, {
        "norad_cat_id": 43013, "type": "data",
        "slots": [{"start": p["rise_time"], "end": p["set_time"], "gs_id": "3"}],
        "uplinkFile": {"key": key, "sha256": sha}})
    assert status == 201, booking
    booking_id = booking["bookingId"]
    assert booking["uplinkFile"]["status"] == "pending"

    # When the client puts the object into the uplink bucket through the embedded AWS endpoint
    s3 = aws_client(runtime, "s3")
    t0 = time.perf_counter()
    s3.put_object(Bucket=UPLINK.local_name, Key=key, Body=PAYLOAD)

    # Then the S3 event reaches the worker and the file becomes available (bounded wait)
    files: list[dict] = []
    while time.perf_counter() - t0 < 30:
        status, body = call("GET", f"{base}/orbapi/bookings/{booking_id}/uplink-files", client_jwt)
        assert status == 200, body
        files = body["files"]
        if files and files[0]["status"] != "pending":
            break
        time.sleep(0.05)
    latency = time.perf_counter() - t0
    assert [f["status"] for f in files] == ["available"], files
    assert files[0]["id"] == booking["uplinkFile"]["id"] and files[0]["sha256"] == sha
    print(f"\nput -> available: {latency * 1000:.0f} ms")

    # And a station of ground station 3 (token owner station-3, scope station) polls and sees it
    status, created = call("POST", f"{base}/admin/api-tokens", admin_jwt,
                           {"owner": "station-3", "scopes": ["station"], "name": "e2e station"})
    assert status in (200, 201), created
    status, before = call("GET", f"{base}/orbapi/gs/id/3/status", client_jwt)
    assert status == 200 and before["online"] is False and before["lastSeenAt"] is None
    status, commands = call("GET", f"{base}/stations/v1/commands", created["token"])
    assert status == 200, commands
    [cmd] = [c for c in commands["commands"] if c["bookingId"] == booking_id]
    [f] = cmd["uplinkFiles"]
    assert f["s3Key"] == key and f["sha256"] == sha
    with urllib.request.urlopen(f["url"], timeout=30) as resp:  # the presigned URL serves the verified bytes
        assert resp.read() == PAYLOAD

    # And the poll was the station's heartbeat
    status, after = call("GET", f"{base}/orbapi/gs/id/3/status", client_jwt)
    assert status == 200 and after["online"] is True and after["status"] == "online"
    assert after["queueDepth"] >= 1 and after["lastSeenAgeMs"] < 30_000

    # A success can only be reported once the contact has begun; a station may call one off before
    status, early = call("POST", f"{base}/stations/v1/contacts/{booking_id}/result", created["token"],
                         {"status": "completed"})
    assert status == 409 and "once it has begun" in early["error"]
    status, result = call("POST", f"{base}/stations/v1/contacts/{booking_id}/result", created["token"],
                          {"status": "failed", "message": "antenna maintenance"})
    assert status == 200 and result["bookingStatus"] == "Failed", result


def test_downlink_drop_is_delivered(runtime):
    from shared.auth import issue_jwt

    base = runtime.base
    jwt = issue_jwt("client_e2e", ["passes", "bookings"])
    status, listing = call("GET", f"{base}/orbapi/bookings", jwt)
    booking_id = listing["bookings"][0]["id"]
    s3 = aws_client(runtime, "s3")
    s3.put_object(Bucket=DOWNLINK.local_name, Key=f"downlink/{booking_id}/frames.bin", Body=b"frames" * 100)
    deadline = time.time() + 30
    files: list[dict] = []
    while time.time() < deadline and [f["status"] for f in files] != ["delivered"]:
        files = call("GET", f"{base}/orbapi/bookings/{booking_id}/downlink-files", jwt)[1]["files"]
        time.sleep(0.05)
    assert [f["status"] for f in files] == ["delivered"]
    target = f"clients/client_e2e/downlink/booking-{booking_id}/frames.bin"
    assert files[0]["s3Key"] == target
    assert s3.get_object(Bucket=DELIVERY.local_name, Key=target)["Body"].read() == b"frames" * 100


def test_ctrl_c_stops_pump_and_server(runtime):
    code, out = runtime.stop()
    assert code == 0, out
    assert "Groundlink stopped." in out
