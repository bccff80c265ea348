"""Uplink and downlink files of bookings (seed 001): attach, list, verify uplink objects, deliver downlinks.

Order rule (objects and metadata arrive in either order): every uplink object event is remembered as the key's
newest ``OBJECT`` record and applied to the files already recorded for that key; every new file record is
matched with the key's ``OBJECT`` record as soon as it is written. Each side writes first and reads the other
second, so whichever comes last sees the first. Files given when a booking is made are written in the same
transaction as the booking (``LedgerStore.reserve``) and matched right after.

Duplicates are cheap: an event whose object the key's ``OBJECT`` record already holds (the same order, the same
version id, or an older order) is not downloaded or hashed again, and the same bytes put again (same ETag and
size: S3's ETag of an SSE-S3 object is the MD5 of its bytes) reuse the recorded SHA-256. When an object version
changes nothing a client can see (same status, reason, checksum and size), the file follows the new version
without changing ``updatedAt``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.files.events import file_transition
from shared.domain.files.models import Direction, FileRecord, FileStatus, ObjectState, delivery_key, key_problem
from shared.domain.files.ports import FileStore, ObjectEvent, PayloadStorage
from shared.domain.ledger.models import Booking
from shared.timefmt import utcnow

UPLINK = "uplink"  # the bucket key of uplink objects (shared.resources.UPLINK)
CLOSED = ("Cancelled", "Completed", "Failed")  # no uplink file can be attached any more


class BookingLedger(Protocol):
    """The ledger as the files read it (``LedgerStore`` satisfies it)."""

    def next_ids(self, counter: str, count: int = 1) -> list[int]: ...

    def get(self, booking_id: int) -> Booking | None: ...


def verdict(declared_sha256: str | None, obj: ObjectState) -> tuple[FileStatus, str | None]:
    if declared_sha256 is None or declared_sha256.lower() == obj.sha256:
        return "available", None
    return "failed", f"sha256 mismatch: declared {declared_sha256.lower()}, object has {obj.sha256}"


def downlink_name(key: str) -> tuple[int, str] | None:
    """``downlink/<bookingId>/<name>`` → (booking id, name); None for any other key."""
    parts = key.split("/", 2)
    if len(parts) != 3 or parts[0] != "downlink" or not parts[1].isdigit() or not parts[2] or \
            any(p in ("", ".", "..") for p in parts[2].split("/")):
        return None
    return int(parts[1]), parts[2]


class FileService:
    def __init__(self, files: FileStore, ledger: BookingLedger, clock: Callable[[], datetime] | None = None) -> None:
        self.files = files
        self.ledger = ledger
        self.clock = clock or (lambda: utcnow())

    def match(self, f: FileRecord, obj: ObjectState | None = None) -> FileRecord:
        """Verify ``f`` against its object (``obj`` or the key's newest one), if the object was seen. A file
        that already saw this object version (or a newer one) is not written again."""
        if f.direction != "uplink" or f.status not in ("pending", "available", "failed"):
            return f
        if key_problem(f.s3_key, f.owner):
            return f
        obj = obj or self.files.get_object(UPLINK, f.s3_key)
        if obj is None or (f.order is not None and f.order >= obj.order):
            return f
        status, reason = verdict(f.sha256, obj)
        unchanged = (status, reason, obj.sha256, obj.size) == (f.status, f.reason, f.actual_sha256, f.size)
        return self.files.apply_object(f, obj, status, reason, touch=not unchanged, actual_sha256=obj.sha256,
                                       events=file_transition(f, status, reason, self.clock())) or f

    def attach(self, booking: Booking, key: str, sha256: str | None) -> FileRecord:
        if booking.status in CLOSED:
            raise Conflict(f"booking {booking.id} is {booking.status}: no uplink file can be attached any more")
        problem = key_problem(key, booking.owner)
        if problem:
            raise InvalidRequest(problem)
        sha256 = sha256.lower() if sha256 else None
        for f in self.files.list(booking.id, UPLINK):
            if f.s3_key == key and f.sha256 == sha256:
                return f  # a retried attach: the same file, not a second one
        [file_id] = self.ledger.next_ids("file")
        now = self.clock()
        record = FileRecord(id=file_id, booking_id=booking.id, owner=booking.owner, direction="uplink", s3_key=key,
                            sha256=sha256, created_at=now, updated_at=now)
        self.files.create(record)
        return self.match(record)

    def listing(self, booking: Booking, direction: Direction) -> list[FileRecord]:
        return sorted(self.files.list(booking.id, direction), key=lambda f: f.id)

    def on_uplink_event(self, event: ObjectEvent, storage: PayloadStorage) -> list[FileRecord]:
        """An uplink object's event: hash the object version it names unless this key's ``OBJECT`` record
        shows the event was applied already (or is stale), then verify every file naming the key. Returns the
        files whose visible state changed."""
        known = self.files.get_object(UPLINK, event.key)
        if known is not None and (known.order >= event.order or
                                  (event.version_id is not None and known.version_id == event.version_id)):
            # applied before (a re-sent event) or older than the object recorded: no download, no hash; files
            # the earlier delivery did not reach (it stopped half-way) still get the recorded object
            return self._verify_files(known)
        if known is not None and event.etag is not None and (known.etag, known.size) == (event.etag, event.size):
            sha, size = known.sha256, known.size  # the same bytes put again
        else:
            digest = storage.sha256(event)
            if digest is None:
                return []  # overwritten or deleted since: the newer object's own event follows
            sha, size = digest
        return self.on_uplink_object(ObjectState(bucket=UPLINK, key=event.key, order=event.order, sha256=sha,
                                                 size=size, etag=event.etag, version_id=event.version_id))

    def on_uplink_object(self, obj: ObjectState) -> list[FileRecord]:
        """An uplink object was created: remember it, verify every file naming it. Returns the files whose
        visible state changed."""
        self.files.record_object(obj)  # a duplicate is not recorded twice; the files below decide for themselves
        return self._verify_files(obj)

    def _verify_files(self, obj: ObjectState) -> list[FileRecord]:
        changed = []
        for f in self.files.by_key(obj.key):
            if f.direction != UPLINK:
                continue
            after = self.match(f, obj)
            if after.updated_at != f.updated_at:
                changed.append(after)
        return changed

    def on_downlink_object(self, event: ObjectEvent, storage: PayloadStorage) -> FileRecord | None:
        """A station dropped ``downlink/<bookingId>/<name>``: one file record, a copy into the owner's delivery
        prefix, then ``delivered``. Duplicate and stale events change nothing. None when nothing changed."""
        named = downlink_name(event.key)
        if named is None:
            return None
        booking = self.ledger.get(named[0])
        if booking is None:
            return None
        now = self.clock()
        [file_id] = self.ledger.next_ids("file")
        record = self.files.claim_downlink(FileRecord(
            id=file_id, booking_id=booking.id, owner=booking.owner, direction="downlink",
            s3_key=delivery_key(booking.owner, booking.id, named[1]), source_key=event.key,
            created_at=now, updated_at=now,
        ), named[1])
        if record.order is not None and record.order >= event.order:
            return None  # delivered already (a duplicate) or a newer drop was delivered (a stale event)
        if record.status == "delivered" and event.etag is not None and (record.etag, record.size) == (event.etag,
                                                                                                     event.size):
            return None  # the same bytes dropped again: delivered already
        digest = storage.sha256(event)
        if digest is None or not storage.deliver(event, record.s3_key):
            return None
        sha, size = digest
        obj = ObjectState(bucket="downlink", key=event.key, order=event.order, sha256=sha, size=size,
                          etag=event.etag, version_id=event.version_id)
        return self.files.apply_object(record, obj, "delivered", None, allowed=("pending", "delivered", "failed"),
                                       sha256=sha, actual_sha256=sha,
                                       events=file_transition(record, "delivered", None, self.clock()))
