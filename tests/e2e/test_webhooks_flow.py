"""End to end over the local runtime, in real time: an owner registers a webhook pointing at a receiver on a
loopback port; an uplink file of its booking becomes ``available`` when its object is put (S3 → SQS → the file
worker, which writes the event into the outbox with the change); the relay publishes it to the event bus, whose
rule sends it to the fan-out queue; the fan-out enqueues a delivery; the delivery worker POSTs it signed. The
receiver answers 503 to the first attempt and still receives the event later — accepted exactly once by event
id — with a valid signature. Another owner's webhook on the same receiver never sees it."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.domain.webhooks.models import verify_signature
from shared.resources import UPLINK
from tests.e2e.runtime import aws_client, call, start_runtime

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
RETRY_BASE_S = 1


@pytest.fixture(scope="module")
def runtime():
    yield from start_runtime({"GROUNDLINK_WEBHOOK_RETRY_BASE_S": str(RETRY_BASE_S)})


class Receiver:
    """A webhook endpoint on 127.0.0.1: answers 503 to the first ``refuse`` requests, 200 afterwards."""

    def __init__(self, refuse: int = 1) -> None:
        self.refuse = refuse
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen = {"path": self.path, "body": body, "headers": dict(self.headers.items()), "at": time.time()}
                receiver.requests.append(seen)
                status = 503 if len(receiver.requests) <= receiver.refuse else 200
                if status == 200:
                    receiver.accepted.append(seen)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_an_available_uplink_file_reaches_the_owners_webhook_signed_after_a_refusal(runtime):
    from shared.auth import issue_jwt

    base = runtime.base
    owner_jwt = issue_jwt("client_hooks", ["passes", "bookings", "webhooks:manage"])
    other_jwt = issue_jwt("client_other", ["webhooks:manage"])
    with Receiver(refuse=1) as receiver:
        # Given a webhook of the owner for file events, and one of another owner on the same receiver
        status, hook = call("POST", f"{base}/orbapi/webhooks", owner_jwt,
                            {"url": f"{receiver.url}/mine", "eventTypes": ["File State Change"]})
        assert status == 201, hook
        assert hook["secret"].startswith("whsec_") and hook["owner"] == "client_hooks" and hook["enabled"] is True
        status, other = call("POST", f"{base}/orbapi/webhooks", other_jwt,
                             {"url": f"{receiver.url}/other", "eventTypes": ["File State Change"]})
        assert status == 201, other

        # And a booking of the next NOAA 20 pass over Esrange with an uplink file
        status, found = call("POST", f"{base}/orbapi/passes/search", owner_jwt,
                             {"noradId": 43013, "days": 2, "groundStationIds": ["3"], "minElevationDeg": 5})
        assert status == 200, found
        p = next(p for p in found["passes"]
                 if datetime.fromisoformat(p["rise_time"].replace("Z", "+00:00")).timestamp() > time.time() + 300)
        payload = os.urandom(4096)
        key = "clients/client_hooks/commands.bin"
        status, booking = call("POST", f"{base}/orbapi/bookings", owner_jwt, {
            "norad_cat_id": 43013, "type": "data",
            "slots": [{"start": p["rise_time"], "end": p["set_time"], "gs_id": "3"}],
            "uplinkFile": {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}})
        assert status == 201, booking

        # When the owner puts the object into the uplink bucket
        s3 = aws_client(runtime, "s3")
        t0 = time.time()
        s3.put_object(Bucket=UPLINK.local_name, Key=key, Body=payload)

        # Then the receiver refuses the first delivery and accepts the retry, about a second later
        deadline = time.time() + 60
        while time.time() < deadline and not receiver.accepted:
            time.sleep(0.1)
        assert receiver.accepted, f"no delivery accepted; requests: {[r['path'] for r in receiver.requests]}"
        time.sleep(3 * RETRY_BASE_S + 1)  # room for any duplicate to show up
        first, accepted = receiver.requests[0], receiver.accepted[0]
        print(f"\nput -> first attempt {first['at'] - t0:.1f} s, accepted {accepted['at'] - t0:.1f} s")
        event = json.loads(accepted["body"])
        assert event["source"] == "groundlink.files" and event["detail-type"] == "File State Change"
        assert event["owner"] == "client_hooks"
        assert event["detail"]["state"] == "available" and event["detail"]["previousState"] == "pending"
        assert event["detail"]["bookingId"] == booking["bookingId"]
        assert event["detail"]["fileId"] == booking["uplinkFile"]["id"] and event["detail"]["key"] == key
        headers = {k.lower(): v for k, v in accepted["headers"].items()}
        assert headers["groundlink-event-id"] == event["id"]
        assert verify_signature(hook["secret"], headers["groundlink-timestamp"], accepted["body"],
                                headers["groundlink-signature"])
        assert not verify_signature(other["secret"], headers["groundlink-timestamp"], accepted["body"],
                                    headers["groundlink-signature"])
        # the refused attempt was the same event; the accepted one was the retry, after the backoff delay
        assert {k.lower(): v for k, v in first["headers"].items()}["groundlink-event-id"] == event["id"]
        assert headers["groundlink-delivery-attempt"] == "2"
        assert accepted["at"] - first["at"] >= RETRY_BASE_S * 0.9
        # exactly once by event id, and only to the owner's endpoint
        ids = [json.loads(r["body"])["id"] for r in receiver.accepted]
        assert ids.count(event["id"]) == 1
        assert [r["path"] for r in receiver.requests] == ["/mine"] * len(receiver.requests)

    # And the webhook's record shows the delivery and no failure left
    status, after = call("GET", f"{base}/orbapi/webhooks/{hook['webhookId']}", owner_jwt)
    assert status == 200, after
    assert after["enabled"] is True and after["consecutiveFailures"] == 0 and after["lastDeliveredAt"]
    assert "HTTP 503" in after["lastFailureReason"] and "secret" not in after
    status, hidden = call("GET", f"{base}/orbapi/webhooks/{hook['webhookId']}", other_jwt)
    assert status == 404 and hidden == {"error": "webhook not found"}


def test_ctrl_c_stops_the_relay_and_pumps(runtime):
    code, out = runtime.stop()
    assert code == 0, out
    assert "Groundlink stopped." in out and "event relay:" not in out and "event pump: Exception" not in out
