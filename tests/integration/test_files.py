"""Uplink verification and downlink delivery: S3 → SQS (moto) → the file_events worker with the real messages;
the orbapi files endpoints (seed 001 shapes, ownership, key prefix)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_files.app import app as files_app
from shared.adapters.dynamo.files import file_store
from shared.resources import DELIVERY
from shared.settings import get_settings
from shared.timefmt import iso_ms
from tests.integration.conftest import bearer
from tests.integration.test_files_support import Platform, make_booking, start_platform

_platform = pytest.fixture(scope="module", name="platform")(start_platform)

api = TestClient(files_app, raise_server_exceptions=False)
ALICE = bearer("alice", "bookings passes")
BOB = bearer("bob", "bookings passes")
PAYLOAD = b"uplink command table\n" * 1000
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@contextmanager
def counting_hashes() -> Iterator[list]:
    """Counts the object versions the worker downloads and hashes (``PayloadStorage.sha256``)."""
    from functions.file_events.handler import file_events

    worker = file_events()
    real, hashed = worker.storage, []

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def sha256(self, event):
            hashed.append(event)
            return real.sha256(event)

    worker.storage = Counting()
    try:
        yield hashed
    finally:
        worker.storage = real


def uplink_files(booking_id: int, headers=ALICE) -> list[dict]:
    r = api.get(f"/orbapi/bookings/{booking_id}/uplink-files", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["files"]


def put(platform: Platform, bucket: str, key: str, body: bytes) -> None:
    platform.s3.put_object(Bucket=get_settings().bucket_name(bucket), Key=key, Body=body)


def test_attach_then_upload_matching_sha_becomes_available(platform):
    # Given a booking and an attached uplink file with its declared sha256
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/uplink.bin"
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key, "sha256": SHA.upper()})
    assert r.status_code == 201, r.text
    body = r.json()
    f = body["uplinkFile"]
    assert body == {"status": "success", "bookingId": b.id, "missionId": b.id, "uplinkFile": f}
    assert f == {"id": f["id"], "missionId": b.id, "direction": "uplink", "s3Key": key, "sha256": SHA,
                 "status": "pending", "createdAt": f["createdAt"], "updatedAt": f["updatedAt"], "error": None}
    # When the client puts the object and its S3 event reaches the worker through SQS
    put(platform, "uplink", key, PAYLOAD)
    messages = platform.deliver()
    # Then the message is S3's event and the file is available
    assert json.loads(messages[0]["Body"])["Records"][0]["eventName"].startswith("ObjectCreated:")
    [listed] = uplink_files(b.id)
    assert listed["status"] == "available" and listed["id"] == f["id"]
    stored = file_store().get(b.id, f["id"])
    assert stored.actual_sha256 == SHA and stored.size == len(PAYLOAD)


def test_mismatching_sha_fails_with_reason(platform):
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/bad.bin"
    declared = "0" * 64
    f = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE,
                 json={"key": key, "sha256": declared}).json()["uplinkFile"]
    put(platform, "uplink", key, PAYLOAD)
    platform.deliver()
    [listed] = uplink_files(b.id)
    reason = f"sha256 mismatch: declared {declared}, object has {SHA}"
    assert listed == {"id": f["id"], "missionId": b.id, "direction": "uplink", "s3Key": key, "sha256": declared,
                      "status": "failed", "createdAt": f["createdAt"], "updatedAt": listed["updatedAt"],
                      "error": reason}
    assert file_store().get(b.id, f["id"]).reason == reason


def test_duplicate_event_changes_nothing(platform):
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/dup.bin"
    f = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key}).json()["uplinkFile"]
    put(platform, "uplink", key, PAYLOAD)
    messages = platform.deliver()
    first = file_store().get(b.id, f["id"])
    assert first.status == "available"
    # When the same message is delivered again (at least once)
    with counting_hashes() as hashed:
        assert platform.invoke(messages) == {"batchItemFailures": []}
    # Then nothing was downloaded, hashed or written a second time
    assert hashed == []
    assert file_store().get(b.id, f["id"]) == first


def test_the_same_bytes_put_again_change_nothing(platform):
    # Given an available file
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/same.bin"
    api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key, "sha256": SHA})
    put(platform, "uplink", key, PAYLOAD)
    platform.deliver()
    [before] = uplink_files(b.id)
    stored = file_store().list(b.id)[0]
    assert before["status"] == "available"
    # When the client puts the very same bytes again (a new object version, the same ETag)
    put(platform, "uplink", key, PAYLOAD)
    with counting_hashes() as hashed:
        platform.deliver()
    # Then nothing is hashed and nothing a client sees changes, not even updatedAt; the file follows the version
    assert hashed == []
    assert uplink_files(b.id) == [before]
    after = file_store().list(b.id)[0]
    assert after.updated_at == stored.updated_at and after.order > stored.order  # the newest event's version
    assert after.model_dump(exclude={"order", "version_id"}) == stored.model_dump(exclude={"order", "version_id"})


def test_the_s3_event_storm(platform):
    # Given N files, each put three times (a wrong payload, the declared one, the declared one again)
    n = 12
    rng = random.Random(16)
    b = make_booking("alice")
    keys = [f"clients/alice/bookings/{b.id}/storm-{i}.bin" for i in range(n)]
    payloads = {k: PAYLOAD + k.encode() for k in keys}
    for k in keys:
        r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE,
                     json={"key": k, "sha256": hashlib.sha256(payloads[k]).hexdigest()})
        assert r.status_code == 201
    for k in keys:
        put(platform, "uplink", k, b"not yet " + payloads[k])
    for k in keys:
        put(platform, "uplink", k, payloads[k])
        put(platform, "uplink", k, payloads[k])
    messages = platform.receive()
    assert len(messages) == 3 * n
    # When the events arrive shuffled, in batches, with a third of them sent again
    storm = messages + rng.sample(messages, n)
    rng.shuffle(storm)
    with counting_hashes() as hashed:
        for i in range(0, len(storm), 10):
            batch = [{**m, "MessageId": f"{m['MessageId']}-{i}"} for m in storm[i:i + 10]]
            assert platform.invoke(batch) == {"batchItemFailures": []}
    # Then every file is available exactly once, and no object version was hashed twice
    files = uplink_files(b.id)
    assert len(files) == n and {f["status"] for f in files} == {"available"} and {f["error"] for f in files} == {None}
    versions = [(e.key, e.version_id or e.order) for e in hashed]  # moto sends no version ids: the order
    assert len(versions) == len(set(versions)) <= 2 * n  # at most the wrong and the first right version of each
    for k in keys:
        stored = file_store().by_key(k)[0]
        assert stored.actual_sha256 == hashlib.sha256(payloads[k]).hexdigest()


def test_stale_event_never_moves_a_file_back(platform):
    # Given a file declared with the sha256 of the second upload
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/v.bin"
    second = PAYLOAD + b"v2"
    f = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE,
                 json={"key": key, "sha256": hashlib.sha256(second).hexdigest()}).json()["uplinkFile"]
    put(platform, "uplink", key, PAYLOAD)
    old = platform.receive()
    put(platform, "uplink", key, second)
    new = platform.receive()
    # When the newer event is processed first and the older one arrives late
    assert platform.invoke(new) == {"batchItemFailures": []}
    assert file_store().get(b.id, f["id"]).status == "available"
    assert platform.invoke(old) == {"batchItemFailures": []}
    # Then the file stays available (the old object version is not what the station would get)
    stored = file_store().get(b.id, f["id"])
    assert stored.status == "available" and stored.size == len(second)


def test_object_before_metadata_is_matched_when_metadata_arrives(platform):
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/early.bin"
    put(platform, "uplink", key, PAYLOAD)
    platform.deliver()  # no file names the key yet: the object is remembered
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key, "sha256": SHA})
    assert r.status_code == 201 and r.json()["uplinkFile"]["status"] == "available"


def test_file_given_at_booking_creation_is_verified(platform):
    # Given a booking created with an uplinkFile (stored in the ledger's booking by orbapi_bookings)
    b = make_booking("alice", uplink=("clients/alice/at-booking.bin", SHA))
    assert [f["status"] for f in uplink_files(b.id)] == ["pending"]
    put(platform, "uplink", "clients/alice/at-booking.bin", PAYLOAD)
    platform.deliver()
    [listed] = uplink_files(b.id)
    assert listed["id"] == file_store().list(b.id)[0].id and listed["status"] == "available"
    assert listed["createdAt"] == iso_ms(file_store().list(b.id)[0].created_at)


def test_booking_file_uploaded_before_anyone_looked(platform):
    # The worker adopts the booking's file itself when the object arrives
    b = make_booking("alice", uplink=("clients/alice/quiet.bin", None))
    put(platform, "uplink", "clients/alice/quiet.bin", PAYLOAD)
    platform.deliver()
    assert file_store().get(b.id, file_store().list(b.id)[0].id).status == "available"


def test_key_outside_callers_prefix_is_rejected(platform):
    b = make_booking("alice")
    for key in ("clients/bob/x.bin", "uplink.bin", "clients/alice/", "clients/alice/../bob/x.bin"):
        r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key})
        assert r.status_code == 400 and r.json()["error"].startswith("key: "), (key, r.text)


def test_someone_elses_booking_is_not_found(platform):
    b = make_booking("alice")
    for path in ("uplink-files", "downlink-files"):
        r = api.get(f"/orbapi/bookings/{b.id}/{path}", headers=BOB)
        assert (r.status_code, r.json()) == (404, {"error": f"booking {b.id} not found"})
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=BOB, json={"key": "clients/bob/x.bin"})
    assert r.status_code == 404
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=bearer("alice", "passes"),
                 json={"key": "clients/alice/x.bin"})
    assert r.status_code == 403


def test_downlink_is_delivered_to_the_client_prefix_once(platform):
    b = make_booking("alice")
    put(platform, "downlink", f"downlink/{b.id}/data.bin", PAYLOAD)
    messages = platform.deliver()
    r = api.get(f"/orbapi/bookings/{b.id}/downlink-files", headers=ALICE)
    body = r.json()
    [f] = body["files"]
    target = f"clients/alice/downlink/booking-{b.id}/data.bin"
    assert body == {"bookingId": b.id, "missionId": b.id, "files": [f]}
    assert f == {"id": f["id"], "missionId": b.id, "direction": "downlink", "s3Key": target, "sha256": SHA,
                 "status": "delivered", "createdAt": f["createdAt"], "updatedAt": f["updatedAt"], "error": None}
    copied = platform.s3.get_object(Bucket=DELIVERY.local_name, Key=target)["Body"].read()
    assert copied == PAYLOAD
    # A duplicate delivery of the event adds no second record and changes nothing
    assert platform.invoke(messages) == {"batchItemFailures": []}
    again = api.get(f"/orbapi/bookings/{b.id}/downlink-files", headers=ALICE).json()["files"]
    assert again == [f]


def test_downlink_for_unknown_booking_is_dropped(platform):
    put(platform, "downlink", "downlink/999999/data.bin", PAYLOAD)
    put(platform, "downlink", "not-downlink/data.bin", PAYLOAD)
    platform.deliver()  # acknowledged (no retries of an event that can never succeed)


def test_a_bad_message_fails_alone(platform):
    b = make_booking("alice")
    key = f"clients/alice/bookings/{b.id}/batch.bin"
    api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key})
    put(platform, "uplink", key, PAYLOAD)
    [good] = platform.receive()
    bad = {**good, "MessageId": "bad-1", "Body": json.dumps({"Records": [{"nonsense": True}]})}
    assert platform.invoke([bad, good]) == {"batchItemFailures": [{"itemIdentifier": "bad-1"}]}
    assert uplink_files(b.id)[0]["status"] == "available"


@pytest.mark.parametrize("body", [{"key": ""}, {"key": "clients/alice/x", "sha256": "xyz"}, {}])
def test_invalid_attach_requests(platform, body):
    b = make_booking("alice")
    assert api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json=body).status_code == 400


@pytest.mark.parametrize(
    ("key", "fragment"),
    [("clients/alice/" + "\U0001f600" * 300, "bytes in UTF-8; S3 keys are at most 1024"),
     ("clients/alice/a\x00b", "control characters")],
)
def test_keys_that_s3_cannot_hold_are_400(platform, key, fragment):
    b = make_booking("alice")
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": key})
    assert r.status_code == 400 and fragment in r.json()["error"], r.text
    assert uplink_files(b.id) == []


def test_no_attachment_to_a_finished_booking(platform):
    from shared.adapters.dynamo.ledger import ledger_store

    b = make_booking("alice")
    ledger_store().update(b.id, lambda cur: cur.model_copy(update={"status": "Cancelled"}))
    r = api.post(f"/orbapi/bookings/{b.id}/uplink-files", headers=ALICE, json={"key": "clients/alice/x.bin"})
    assert r.status_code == 409 and r.json() == {"error": f"booking {b.id} is Cancelled: no uplink file can be "
                                                           "attached any more"}
    assert uplink_files(b.id) == []
