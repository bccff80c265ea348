"""Orbit changes move reservations (moto, real demo element sets): a Space Go contact is booked on a NOAA 20 pass,
then element sets are uploaded that are the demo set delayed along its track by δ seconds (the epoch nudged
forward so the set becomes current, the mean anomaly moved back by n·δ). Physically, every pass then comes
about δ later (the Earth turns a little meanwhile, so rise and set move by δ plus a few seconds of geometry).

* δ = 3 s: the booked window, a minute inside its pass at each end, is still inside → unchanged (no write,
  no event, last_updated as it was);
* δ = 600 s: the pass leaves the window → REVIEW, the state message naming the new pass and its shift
  (checked against δ), one event; a reservation of another satellite is not touched;
* δ = 0 s again (a newer set): the window is inside its pass again → CONFIRMED."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_passes.app import app as passes_app
from functions.spacego_contacts.app import app as contacts_app
from functions.spacego_tle.app import app as tle_app
from shared.domain.events.models import RESERVATION_STATE_CHANGE
from shared.resources import LEDGER
from tests.integration.conftest import bearer

contacts = TestClient(contacts_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
bookings = TestClient(bookings_app, raise_server_exceptions=False)
tle = TestClient(tle_app, raise_server_exceptions=False)
DEMO = bearer("demo", "contacts spacecraft.view tle passes bookings")
NOAA20 = 43013


@pytest.fixture(autouse=True)
def _fresh_ledger(demo):
    from shared.aws import client

    ddb = client("dynamodb")
    for it in ddb.scan(TableName=LEDGER.local_name)["Items"]:
        ddb.delete_item(TableName=LEDGER.local_name, Key={"pk": it["pk"], "sk": it["sk"]})


def _checksum(line: str) -> str:
    return str(sum(int(c) if c.isdigit() else (c == "-") for c in line[:68]) % 10)


def delayed(line1: str, line2: str, delay_s: float, epoch_step_days: float) -> tuple[str, str]:
    """The element set moved ``delay_s`` seconds back along its track, its epoch ``epoch_step_days`` later (so it
    is newer and becomes current) with the mean anomaly advanced over that step: at any time the satellite is
    where the original one was ``delay_s`` earlier."""
    epoch_day = float(line1[20:32]) + epoch_step_days
    new1 = f"{line1[:20]}{epoch_day:012.8f}{line1[32:68]}"
    mean_motion = float(line2[52:63])  # revolutions per day
    deg_per_s = mean_motion * 360.0 / 86400.0
    anomaly = (float(line2[43:51]) + deg_per_s * (epoch_step_days * 86400.0 - delay_s)) % 360.0
    new2 = f"{line2[:43]}{anomaly:8.4f}{line2[51:68]}"
    return new1 + _checksum(new1), new2 + _checksum(new2)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _pass_of(norad_id: int, gs_id: str, minutes: int = 8) -> dict:
    body = passes.post("/orbapi/passes/search", headers=DEMO, json={
        "noradId": norad_id, "days": 2, "groundStationIds": [gs_id], "minElevationDeg": 5}).json()
    soon = datetime.now(UTC) + timedelta(minutes=20)
    return next(p for p in body["passes"] if _parse(p["rise_time"]) > soon
                and _parse(p["set_time"]) - _parse(p["rise_time"]) >= timedelta(minutes=minutes))


def _events(booking_id: int) -> list[dict]:
    from shared.adapters.dynamo.outbox import DynamoEventOutbox

    return [e.detail for e in DynamoEventOutbox().pending(1000)
            if e.detail_type == RESERVATION_STATE_CHANGE and e.detail["bookingId"] == booking_id]


def test_an_element_set_that_moves_the_pass_sends_the_contact_to_review(demo):
    from shared.adapters.dynamo.catalog import catalog_repository

    p = _pass_of(NOAA20, "1")
    start = (_parse(p["rise_time"]) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%MZ")
    end = (_parse(p["set_time"]) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%MZ")
    r = contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": start, "end": end, "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})
    assert r.status_code == 201, r.text
    cid = r.json()["contact_id"]
    # another satellite's reservation, which no NOAA 20 element set may touch
    iss = _pass_of(25544, "4", minutes=2)
    other = bookings.post("/orbapi/bookings", headers=DEMO, json={
        "norad_cat_id": 25544, "type": "data", "slots": [{"start": iss["rise_time"], "end": iss["set_time"],
                                                          "gs_id": "4"}]})
    assert other.status_code == 201, other.text
    before = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    sat = catalog_repository().get_satellite(NOAA20)
    line1, line2 = sat.tle.line1, sat.tle.line2

    # a few seconds along the track: still inside the pass, nothing changes
    small = delayed(line1, line2, 3.0, 0.00001)
    up = tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO, json={"line1": small[0], "line2": small[1]})
    assert up.status_code == 201 and up.json()["current"] is True, up.text
    assert contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json() == before
    assert [e["state"] for e in _events(int(cid))] == ["CONFIRMED"]

    # ten minutes along the track: the pass leaves the window
    big = delayed(line1, line2, 600.0, 0.00002)
    t0 = time.perf_counter()
    up = tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO, json={"line1": big[0], "line2": big[1]})
    upload_s = time.perf_counter() - t0
    assert up.status_code == 201 and up.json()["current"] is True, up.text
    moved = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert moved["state"] == "REVIEW" and moved["last_updated"] > before["last_updated"]
    found = re.search(r"the new pass is (\S+)–(\S+), shifted ([+-]\d+) s from the pass (\S+)–(\S+) it was booked in",
                      moved["state_msg"])
    assert found, moved["state_msg"]
    assert f"window {start[:-1]}:00.000Z–{end[:-1]}:00.000Z at ground station 1 is no longer inside a pass" \
        in moved["state_msg"]
    assert "element set of epoch " in moved["state_msg"]
    shift = int(found.group(3))
    assert abs(shift - 600) < 60, shift  # δ plus the geometry of a pass seen 2.5° of Earth rotation later
    new_rise, old_rise = _parse(found.group(1)), _parse(found.group(4))
    assert abs((new_rise - old_rise).total_seconds() - shift) <= 1
    assert abs((old_rise - _parse(p["rise_time"])).total_seconds()) <= 1  # the pass it was booked in, as searched
    assert [(e["previousState"], e["state"]) for e in _events(int(cid))] == [(None, "CONFIRMED"),
                                                                           ("CONFIRMED", "REVIEW")]
    assert [x["id"] for x in contacts.get("/api/v1/contacts", headers=DEMO, params={"state": "REVIEW"}).json()] \
        == [cid]
    [iss_booking] = [b for b in bookings.get("/orbapi/bookings", headers=DEMO).json()["bookings"]
                     if b["id"] == other.json()["bookingId"]]
    assert iss_booking["status"] == "Pending" and iss_booking["updatedAt"] == iss_booking["requestedAt"]
    print(f"\nupload with orbit recheck of 1 future contact: {upload_s * 1000:.0f} ms; pass shift {shift:+d} s "
          f"for a 600 s along-track delay")

    # a newer set that puts the satellite back where it was: confirmed again
    back = delayed(line1, line2, 0.0, 0.00003)
    assert tle.post("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO,
                    json={"line1": back[0], "line2": back[1]}).status_code == 201
    again = contacts.get(f"/api/v1/contacts/{cid}", headers=DEMO).json()
    assert again["state"] == "CONFIRMED" and "inside a pass above the station's mask again" in again["state_msg"]
    # a contact under review can still be deleted before its start
    assert contacts.delete(f"/api/v1/contacts/{cid}", headers=DEMO).status_code == 204


def test_the_delayed_set_is_the_same_orbit_a_few_seconds_later(demo):
    """The element-set construction itself, checked physically: positions of the δ-delayed set at t equal the
    original's at t − δ (to within metres over hours)."""
    from groundlink_orbit import parse_tle

    from shared.adapters.dynamo.catalog import catalog_repository

    sat = catalog_repository().get_satellite(NOAA20)
    original = parse_tle(sat.tle.line1, sat.tle.line2)
    shifted = parse_tle(*delayed(sat.tle.line1, sat.tle.line2, 3.0, 0.00001))
    assert original.norad_id == shifted.norad_id == NOAA20 and shifted.epoch_utc > original.epoch_utc
    from sgp4.api import Satrec, jday

    a = Satrec.twoline2rv(sat.tle.line1, sat.tle.line2)
    b = Satrec.twoline2rv(*delayed(sat.tle.line1, sat.tle.line2, 3.0, 0.00001))
    t = original.epoch_utc + timedelta(hours=6)
    jd, fr = jday(t.year, t.month, t.day, t.hour, t.minute, t.second)
    jd0, fr0 = jday(t.year, t.month, t.day, t.hour, t.minute, t.second - 3)
    _, ra, _ = a.sgp4(jd0, fr0)
    _, rb, _ = b.sgp4(jd, fr)
    assert sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) ** 0.5 < 5.0  # km: a few seconds ≈ 20 km
