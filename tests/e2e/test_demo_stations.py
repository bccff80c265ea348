"""``GROUNDLINK_STATION_AGENTS=3 make run``: the local runtime starts a simulated station agent for station 3
(Hamlib's dummy daemons when installed, the in-process stand-ins otherwise), and a contact booked on a pass of the
demo spacecraft is flown: SUCCESS, a post-contact report with antenna metrics, the recording delivered."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from shared.resources import DELIVERY
from tests.e2e.runtime import aws_client, call, start_runtime
from tests.support.station_pass import AO73, ESRANGE, synthetic_pass

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def runtime():
    yield from start_runtime({"GROUNDLINK_STATION_AGENTS": "3"})


def test_a_booked_demo_contact_is_flown_by_the_simulated_station(runtime):
    from shared.auth import issue_jwt

    assert "Simulated station agents (GROUNDLINK_STATION_AGENTS): stations 3 on" in runtime.banner
    base, demo = runtime.base, issue_jwt("demo", ["tle.upload", "contacts.create", "contacts.view"])
    now = time.time()
    start = (int(now + 60) // 60 + 1) * 60
    l1, l2, rise, set_ = synthetic_pass(*AO73, *ESRANGE, rise_in_s=start - 60 - now, now=now)
    assert rise < start and start + 60 < set_
    status, up = call("POST", f"{base}/api/v1/spacecraft/sc-ao73/tle", demo, {"line1": l1, "line2": l2})
    assert status == 201, up

    def minute(t: float) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")

    status, made = call("POST", f"{base}/api/v1/contacts", demo, {
        "spacecraft_id": "sc-ao73", "site_id": "3", "start": minute(start), "end": minute(start + 60),
        "service": {"id": "svc-ao73-bpsk"}})
    assert status == 201, made
    cid = made["contact_id"]

    contact: dict = {}
    deadline = start + 60 + 60
    while time.time() < deadline:
        contact = call("GET", f"{base}/api/v1/contacts/{cid}", demo)[1]
        if contact["state"] in ("SUCCESS", "PARTIAL_SUCCESS", "FAIL"):
            break
        time.sleep(2)
    assert contact["state"] == "SUCCESS", (contact, runtime.banner[-3000:])
    status, pcr = call("GET", f"{base}/api/v1/post-contact-reports/{cid}", demo)
    assert status == 200
    names = {m["name"] for m in pcr["antenna_metrics"]}
    assert {"commanded_azimuth", "reported_azimuth", "downlink_frequency"} <= names
    assert pcr["channels"][0]["metrics"]["frequency_update_rate_hz"] >= 1.0

    s3 = aws_client(runtime, "s3")
    keys: list[str] = []
    for _ in range(100):
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=DELIVERY.local_name,
                                                      Prefix=f"clients/demo/downlink/booking-{cid}/"
                                                      ).get("Contents", [])]
        if keys:
            break
        time.sleep(0.2)
    [key] = keys
    text = s3.get_object(Bucket=DELIVERY.local_name, Key=key)["Body"].read().decode()
    assert f"booking={cid} norad=39444 downlink_hz=145935000 mode=BPSK" in text
    assert "station agent: contact" in runtime.banner
