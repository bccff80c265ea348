"""Bookings on the antenna-time ledger (seed 001): pass checks, conflicts, cancel/rebook, idempotency,
ownership."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_passes.app import app as passes_app
from shared.adapters.dynamo.ledger import ledger_store
from shared.resources import IDEMPOTENCY, LEDGER
from tests.integration.conftest import bearer

bookings = TestClient(bookings_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
ALICE = bearer("alice", "passes bookings")
BOB = bearer("bob", "passes bookings")
NOAA20 = 43013
LEAD = timedelta(minutes=15)  # passes this far ahead: the tests' own slots (rise - 5 min, ...) stay in the future


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def upcoming(demo):
    """The next few NOAA 20 passes over Esrange (3) and Hartebeesthoek (6) from now."""
    body = passes.post("/orbapi/passes/search", headers=ALICE,
                       json={"noradId": NOAA20, "days": 2, "groundStationIds": ["3", "6"], "minElevationDeg": 5}).json()
    future = [p for p in body["passes"] if parse(p["rise_time"]) > datetime.now(UTC) + LEAD]
    assert len(future) >= 4
    return future


@pytest.fixture(autouse=True)
def _fresh_ledger(demo):
    """Each test starts with an empty ledger (the catalogue is shared by the module)."""
    from shared.aws import client

    ddb = client("dynamodb")
    items = ddb.scan(TableName=LEDGER.local_name)["Items"]
    for it in items:
        ddb.delete_item(TableName=LEDGER.local_name, Key={"pk": it["pk"], "sk": it["sk"]})
    idem = ddb.scan(TableName=IDEMPOTENCY.local_name)["Items"]
    for it in idem:
        ddb.delete_item(TableName=IDEMPOTENCY.local_name, Key={"id": it["id"]})


def slot(p: dict) -> dict:
    return {"start": p["rise_time"], "end": p["set_time"], "gs_id": p["groundStationId"]}


def book(slots: list[dict], headers=ALICE, **extra):
    body = {"norad_cat_id": NOAA20, "type": "data", "slots": slots, **extra}
    return bookings.post("/orbapi/bookings", json=body, headers=headers)


def test_book_list_cancel_rebook(upcoming):
    p = upcoming[0]
    r = book([slot(p)])
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "success" and created["bookingId"] == created["missionId"]
    assert isinstance(created["bookingId"], int) and created["uplinkFile"] is None

    listing = bookings.get("/orbapi/bookings", headers=ALICE).json()["bookings"]
    [b] = listing
    assert b["id"] == b["bookingId"] == created["bookingId"] and b["ownerId"] == "alice"
    assert b["noradId"] == str(NOAA20) and b["type"] == "data" and b["status"] == "Pending"
    assert b["slots"] == [{"id": b["slots"][0]["id"], "missionId": b["id"], "gsId": p["groundStationId"],
                           "start": p["rise_time"], "end": p["set_time"], "status": "Pending"}]

    taken = book([slot(p)], headers=BOB)
    assert taken.status_code == 409
    assert f"ground station {p['groundStationId']} is already reserved from {p['rise_time']}" in taken.json()["error"]

    cancel = bookings.delete(f"/orbapi/bookings/{b['id']}", headers=ALICE)
    assert cancel.json() == {"status": "success", "message": "Booking cancelled successfully",
                             "bookingId": b["id"], "missionId": b["id"]}
    assert bookings.delete(f"/orbapi/bookings/{b['id']}", headers=ALICE).status_code == 200  # retried: no change
    history = bookings.get("/orbapi/bookings", headers=ALICE).json()["bookings"]
    assert history[0]["status"] == "Cancelled" and history[0]["slots"][0]["status"] == "Cancelled"

    rebook = book([slot(p)], headers=BOB)
    assert rebook.status_code == 201 and rebook.json()["bookingId"] != b["id"]


def test_all_slots_are_reserved_together_or_not_at_all(upcoming):
    first, second = upcoming[0], upcoming[1]
    assert book([slot(second)], headers=BOB).status_code == 201
    r = book([slot(first), slot(second)])
    assert r.status_code == 409
    assert bookings.get("/orbapi/bookings", headers=ALICE).json() == {"bookings": []}
    assert ledger_store().reservations(first["groundStationId"],
                                            datetime.fromisoformat(first["rise_time"].replace("Z", "+00:00")),
                                            datetime.fromisoformat(first["set_time"].replace("Z", "+00:00"))) == []
    assert book([slot(first)]).status_code == 201


def test_slot_must_lie_inside_a_pass(upcoming):
    p = upcoming[0]
    rise = datetime.fromisoformat(p["rise_time"].replace("Z", "+00:00"))
    early = {"start": (rise - timedelta(minutes=5)).isoformat(), "end": p["set_time"], "gs_id": p["groundStationId"]}
    r = book([early])
    assert r.status_code == 409
    msg = r.json()["error"]
    assert "is not inside a predicted pass of satellite 43013" in msg
    # the hint names the nearest pass: the one the search listed (its edges are root-found from the booking's
    # own search start, so they agree to well under a second, not to the printed millisecond)
    hint = re.search(r"the nearest pass is (\S+Z)–(\S+Z)", msg)
    assert hint, msg
    named_rise = datetime.fromisoformat(hint.group(1).replace("Z", "+00:00"))
    assert abs((named_rise - rise).total_seconds()) < 0.01


def test_uplink_file_is_attached_on_creation(upcoming):
    r = book([slot(upcoming[0])], uplinkFile={"key": "clients/alice/bookings/up.bin", "sha256": "AB" * 32})
    f = r.json()["uplinkFile"]
    assert f["direction"] == "uplink" and f["s3Key"] == "clients/alice/bookings/up.bin"
    assert f["sha256"] == "ab" * 32 and f["status"] == "pending" and f["missionId"] == r.json()["bookingId"]


def test_idempotency_key_per_caller_and_body(upcoming):
    s = [slot(upcoming[0])]
    h = {**ALICE, "Idempotency-Key": "order-1"}
    first = book(s, headers=h)
    again = book(s, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(bookings.get("/orbapi/bookings", headers=ALICE).json()["bookings"]) == 1

    other_body = book([slot(upcoming[1])], headers=h)
    assert other_body.status_code == 422 and "different request body" in other_body.json()["error"]

    bob_same_key = book(s, headers={**BOB, "Idempotency-Key": "order-1"})
    assert bob_same_key.status_code == 409  # Bob's key is his own: it ran, and the window is Alice's
    assert bookings.get("/orbapi/bookings", headers=BOB).json() == {"bookings": []}


def test_someone_elses_booking_is_invisible(upcoming):
    b = book([slot(upcoming[0])]).json()["bookingId"]
    r = bookings.delete(f"/orbapi/bookings/{b}", headers=BOB)
    assert (r.status_code, r.json()) == (404, {"error": f"booking {b} not found"})
    assert bookings.get("/orbapi/bookings", headers=BOB).json() == {"bookings": []}
    assert bookings.get("/orbapi/bookings", headers=ALICE).json()["bookings"][0]["status"] == "Pending"


@pytest.mark.parametrize(
    ("mutate", "status", "fragment"),
    [
        (lambda b: b.update(type="voice"), 400, "field 'type'"),
        (lambda b: b.update(slots=[]), 400, "field 'slots'"),
        (lambda b: b["slots"][0].update(end=b["slots"][0]["start"]), 400, "end must be after start"),
        (lambda b: b["slots"][0].update(gs_id="404"), 404, "ground station 404 not found"),
        (lambda b: b.update(norad_cat_id=99999), 404, "satellite 99999 not found"),
        (lambda b: b.update(uplinkFile={"key": "x", "sha256": "nothex"}), 400, "field 'uplinkFile.sha256'"),
        (lambda b: b.update(uplinkFile={"key": "clients/bob/up.bin"}), 400, "uplinkFile.key: must name an object "
                                                                             "under clients/alice/"),
        (lambda b: b["slots"][0].update(start="2020-01-01T00:00:00Z", end="2020-01-01T00:05:00Z"), 400, "in the past"),
        (lambda b: b.update(slots=b["slots"] * 2), 400, "slots overlap each other"),
    ],
)
def test_bad_bookings(upcoming, mutate, status, fragment):
    body = {"norad_cat_id": NOAA20, "type": "data", "slots": [slot(upcoming[0])]}
    mutate(body)
    r = bookings.post("/orbapi/bookings", json=body, headers=ALICE)
    assert r.status_code == status and fragment in r.json()["error"], r.text


def test_scopes(upcoming):
    r = book([slot(upcoming[0])], headers=bearer("carol", "passes:read bookings:cancel"))
    assert r.status_code == 403 and "bookings:create" in r.json()["error"]
    b = book([slot(upcoming[0])]).json()["bookingId"]
    r = bookings.delete(f"/orbapi/bookings/{b}", headers=bearer("alice", "bookings:create"))
    assert r.status_code == 403 and "bookings:cancel" in r.json()["error"]
    assert bookings.delete("/orbapi/bookings/abc", headers=ALICE).status_code == 400


def test_every_pass_search_returns_is_bookable_even_below_a_station_mask(demo):
    # Santiago (7) and Singapore (11) track from 10°: asking search for 5° must not offer 5°-10° windows
    search = {"noradId": NOAA20, "days": 1, "groundStationIds": ["7", "11"], "minElevationDeg": 5}
    body = passes.post("/orbapi/passes/search", headers=ALICE, json=search).json()
    assert {g["minElevationDeg"] for g in body["groundStations"]} == {10}
    p = next(x for x in body["passes"] if parse(x["rise_time"]) > datetime.now(UTC) + LEAD)
    assert book([slot(p)]).status_code == 201


def test_slots_beyond_the_horizon_or_out_of_range_are_refused(upcoming):
    far = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    r = book([{"start": far.isoformat(), "end": (far + timedelta(minutes=5)).isoformat(), "gs_id": "3"}])
    assert r.status_code == 400 and "beyond the booking horizon of 14 days" in r.json()["error"]
    r = book([{"start": "9999-12-31T23:00:00-05:00", "end": "9999-12-31T23:10:00-05:00", "gs_id": "3"}])
    assert r.status_code == 400 and "field 'slots.0.start'" in r.json()["error"]


def test_cancel_retries_when_the_booking_changes_underneath(upcoming):
    from shared.adapters.dynamo.ledger import ledger_store

    b = book([slot(upcoming[0])]).json()["bookingId"]
    ledger = ledger_store()
    calls = []

    def cancelled(current):
        calls.append(current.status)
        if len(calls) == 1:  # another writer updates the booking between our read and our write
            from shared.adapters.dynamo.base import ddb, value

            ddb().update_item(TableName=ledger.table, Key={"pk": value(f"BOOKING#{b:012d}"), "sk": value("META")},
                              UpdateExpression="SET updated_at = :u",
                              ExpressionAttributeValues={":u": value("2030-01-01T00:00:00Z")})
        slots = [s.model_copy(update={"status": "Cancelled"}) for s in current.slots]
        return current.model_copy(update={"status": "Cancelled", "slots": slots})

    stored = ledger.update(b, cancelled)
    assert len(calls) == 2 and stored.status == "Cancelled"
    assert ledger.get(b).status == "Cancelled"
    assert book([slot(upcoming[0])], headers=BOB).status_code == 201  # the window was freed


def test_the_ledger_itself_refuses_unbounded_or_self_overlapping_windows(demo):
    from shared.domain.errors import InvalidRequest
    from shared.domain.ledger.models import Booking, Slot

    now = datetime.now(UTC)
    ledger = ledger_store()

    def booking(*windows):
        return Booking(id=ledger.next_ids("booking")[0], owner="x", owner_type="user", norad_id=1, type="contact",
                       requested_at=now, updated_at=now,
                       slots=[Slot(id=i, gs_id="3", start=a, end=b) for i, (a, b) in enumerate(windows, 1)])

    with pytest.raises(InvalidRequest, match="last at most"):
        ledger.reserve(booking((now, now + timedelta(days=2))))
    with pytest.raises(InvalidRequest, match="overlap each other"):
        ledger.reserve(booking((now, now + timedelta(hours=1)),
                               (now + timedelta(minutes=30), now + timedelta(hours=2))))
