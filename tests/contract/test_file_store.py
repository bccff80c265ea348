"""The ``FileStore`` and ``HeartbeatStore`` contracts, on memory and on DynamoDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.files.models import FileRecord, ObjectState

T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)


def record(file_id: int = 1, key: str = "clients/alice/a.bin", direction: str = "uplink") -> FileRecord:
    return FileRecord(id=file_id, booking_id=7, owner="alice", direction=direction, s3_key=key,
                      created_at=T0, updated_at=T0)


def obj(order: str, sha: str = "a" * 64, key: str = "clients/alice/a.bin") -> ObjectState:
    return ObjectState(bucket="uplink", key=key, order=order, sha256=sha, size=3, etag="e", version_id=None)


def test_create_is_once_per_id(stores):
    assert stores.files.create(record()) is True
    assert stores.files.create(record()) is False
    assert stores.files.get(7, 1) == record()
    assert stores.files.get(7, 2) is None


def test_listing_by_booking_direction_and_key(stores):
    stores.files.create(record(1))
    stores.files.create(record(2, "clients/alice/b.bin"))
    stores.files.create(record(3, "clients/alice/d.bin", "downlink"))
    assert [f.id for f in stores.files.list(7)] == [1, 2, 3]
    assert [f.id for f in stores.files.list(7, "uplink")] == [1, 2]
    assert [f.id for f in stores.files.by_key("clients/alice/b.bin")] == [2]
    assert stores.files.list(8) == []


def test_objects_only_move_forward(stores):
    assert stores.files.record_object(obj("S2")) is True
    assert stores.files.record_object(obj("S2")) is False  # a duplicate
    assert stores.files.record_object(obj("S1")) is False  # stale
    assert stores.files.get_object("uplink", "clients/alice/a.bin").order == "S2"
    assert stores.files.get_object("uplink", "clients/alice/none.bin") is None


def test_apply_object_is_conditional_on_status_and_order(stores):
    stores.files.create(record())
    f = stores.files.get(7, 1)
    done = stores.files.apply_object(f, obj("S2"), "available", None, actual_sha256="a" * 64)
    assert (done.status, done.order, done.actual_sha256, done.size) == ("available", "S2", "a" * 64, 3)
    assert stores.files.apply_object(done, obj("S2"), "failed", "again") is None  # the same event twice
    assert stores.files.apply_object(done, obj("S1"), "failed", "old") is None  # a stale event
    later = stores.files.apply_object(done, obj("S3", "b" * 64), "failed", "sha256 mismatch")
    assert (later.status, later.reason) == ("failed", "sha256 mismatch")
    assert stores.files.apply_object(later, obj("S4"), "available", None, allowed=("pending",)) is None


def test_apply_object_can_keep_updated_at(stores):
    stores.files.create(record())
    done = stores.files.apply_object(stores.files.get(7, 1), obj("S2"), "available", None, actual_sha256="a" * 64)
    quiet = stores.files.apply_object(done, obj("S3"), "available", None, touch=False, actual_sha256="a" * 64)
    assert (quiet.order, quiet.updated_at) == ("S3", done.updated_at)
    assert stores.files.get(7, 1) == quiet


def test_claim_downlink_keeps_the_first_record(stores):
    first = stores.files.claim_downlink(record(10, "clients/alice/downlink/booking-7/x", "downlink"), "x")
    second = stores.files.claim_downlink(record(11, "clients/alice/downlink/booking-7/x", "downlink"), "x")
    assert first.id == second.id == 10
    assert [f.id for f in stores.files.list(7)] == [10]


def test_heartbeats_only_move_forward(stores):
    assert stores.heartbeats.last_seen("5") is None
    stores.heartbeats.heartbeat("5", T0)
    stores.heartbeats.heartbeat("5", T0 - timedelta(seconds=5))  # a late, older poll
    assert stores.heartbeats.last_seen("5") == T0
    stores.heartbeats.heartbeat("5", T0 + timedelta(seconds=5))
    assert stores.heartbeats.last_seen("5") == T0 + timedelta(seconds=5)


def test_a_retried_downlink_claim_is_its_own_write(stores):
    mine = record(10, "clients/alice/downlink/booking-7/y", "downlink")
    assert stores.files.claim_downlink(mine, "y") == mine
    assert stores.files.claim_downlink(mine, "y") == mine  # the same claim again (its first answer was lost)
    assert [f.id for f in stores.files.list(7)] == [10]


def test_the_downlink_claim_carries_a_token_derived_from_the_claim(dynamo_tables):
    from shared.adapters.dynamo.files import DynamoFileStore
    from shared.aws import client

    tokens = []
    client("dynamodb").meta.events.register(
        "provide-client-params.dynamodb.TransactWriteItems", lambda params, **_: tokens.append(
            params.get("ClientRequestToken")))
    store = DynamoFileStore()
    store.claim_downlink(record(10, "clients/alice/downlink/booking-7/z", "downlink"), "z")
    store.claim_downlink(record(10, "clients/alice/downlink/booking-7/z", "downlink"), "z")
    store.claim_downlink(record(11, "clients/alice/downlink/booking-7/z", "downlink"), "z")
    assert tokens[0] == tokens[1] != tokens[2] and all(t and len(t) <= 36 for t in tokens)
