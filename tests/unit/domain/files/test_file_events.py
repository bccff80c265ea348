"""Uplink object events on the in-memory file store with a counting payload storage: duplicates, stale events and
the same bytes put again are recognised without downloading or hashing the object; nothing a client sees changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.adapters.memory.files import MemoryFileStore
from shared.domain.files.models import FileRecord, ObjectState
from shared.domain.files.service import FileService

T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)
KEY = "clients/alice/u.bin"
GOOD, BAD = b"command table", b"something else"


@dataclass(frozen=True)
class Event:
    bucket: str
    key: str
    size: int
    etag: str | None
    version_id: str | None
    order: str


def event(order: str, body: bytes, version: str) -> Event:
    return Event("uplink", KEY, len(body), hashlib.md5(body).hexdigest(), version, order)  # noqa: S324 (S3's ETag)


class CountingStorage:
    """A ``PayloadStorage`` holding object versions; counts ``sha256`` calls."""

    def __init__(self, versions: dict[str, bytes]) -> None:
        self.versions = versions
        self.hashed: list[str] = []

    def sha256(self, e: Event) -> tuple[str, int] | None:
        self.hashed.append(str(e.version_id))
        body = self.versions.get(str(e.version_id))
        return (hashlib.sha256(body).hexdigest(), len(body)) if body is not None else None

    def deliver(self, e: Event, delivery_key: str) -> bool:
        return True

    def download_url(self, key: str, version_id: str | None) -> tuple[str, int]:
        return "", 0

    def downlink_upload_url(self, key: str) -> tuple[str, int]:
        return "", 0


class Ledger:
    def next_ids(self, counter: str, count: int = 1) -> list[int]:
        return [1]

    def get(self, booking_id: int) -> None:
        return None


def world() -> tuple[FileService, MemoryFileStore, CountingStorage]:
    store = MemoryFileStore()
    store.create(FileRecord(id=1, booking_id=7, owner="alice", direction="uplink", s3_key=KEY,
                            sha256=hashlib.sha256(GOOD).hexdigest(), created_at=T0, updated_at=T0))
    storage = CountingStorage({"v1": BAD, "v2": GOOD, "v3": GOOD})
    return FileService(store, Ledger(), clock=lambda: T0), store, storage


def test_a_resent_event_is_not_hashed_again() -> None:
    service, store, storage = world()
    [changed] = service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    assert changed.status == "available" and storage.hashed == ["v2"]
    before = store.get(7, 1)
    assert service.on_uplink_event(event("S2", GOOD, "v2"), storage) == []
    assert storage.hashed == ["v2"] and store.get(7, 1) == before


def test_a_stale_event_is_not_hashed() -> None:
    service, store, storage = world()
    service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    assert service.on_uplink_event(event("S1", BAD, "v1"), storage) == []
    assert storage.hashed == ["v2"] and store.get(7, 1).status == "available"


def test_the_same_bytes_put_again_change_nothing_a_client_sees() -> None:
    service, store, storage = world()
    service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    before = store.get(7, 1)
    assert service.on_uplink_event(event("S3", GOOD, "v3"), storage) == []
    after = store.get(7, 1)
    assert storage.hashed == ["v2"]
    assert after.updated_at == before.updated_at and (after.status, after.reason) == ("available", None)
    assert (after.order, after.version_id) == ("S3", "v3")  # presigned URLs name the newest version


def test_a_delivery_stopped_half_way_is_completed_by_the_resent_event_without_hashing() -> None:
    # Given an object recorded by a delivery that stopped before it verified the files
    service, store, storage = world()
    store.record_object(ObjectState(bucket="uplink", key=KEY, order="S2", sha256=hashlib.sha256(GOOD).hexdigest(),
                                    size=len(GOOD), etag=hashlib.md5(GOOD).hexdigest(), version_id="v2"))  # noqa: S324
    [changed] = service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    assert changed.status == "available" and storage.hashed == []


def test_new_bytes_are_hashed_and_verified() -> None:
    service, store, storage = world()
    service.on_uplink_event(event("S1", BAD, "v1"), storage)
    failed = store.get(7, 1)
    assert failed.status == "failed" and failed.reason.startswith("sha256 mismatch")
    [changed] = service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    assert changed.status == "available" and changed.reason is None and storage.hashed == ["v1", "v2"]
