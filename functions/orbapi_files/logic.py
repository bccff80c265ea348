"""Uplink and downlink file metadata of bookings (seed 001), and the one place that turns a booking's uplink
files into file records and matches them with objects already seen.

Order rule (objects and metadata arrive in either order): every uplink object event is remembered as the
key's newest ``OBJECT`` record and applied to the files already recorded for that key; every new file record
is matched with the key's ``OBJECT`` record as soon as it is written. Each side writes first and reads the
other second, so whichever comes last sees the first.

Files attached when a booking is created live in the ledger's booking (``Booking.uplink_files``, written by
orbapi_bookings); they are *adopted* into the files table - same id, same timestamps - the first time anyone
looks: the files endpoints, the station broker, or the worker when the object arrives.
"""

from __future__ import annotations

from shared.adapters.dynamo.files import FileRepository
from shared.adapters.dynamo.ledger import LedgerRepository
from shared.domain.errors import InvalidRequest
from shared.domain.files.models import FileRecord, FileStatus, ObjectState, key_problem
from shared.domain.ledger.models import Booking
from shared.timefmt import utcnow

UPLINK = "uplink"  # the bucket key of uplink objects (shared.resources.UPLINK)


def verdict(declared_sha256: str | None, obj: ObjectState) -> tuple[FileStatus, str | None]:
    if declared_sha256 is None or declared_sha256.lower() == obj.sha256:
        return "available", None
    return "failed", f"sha256 mismatch: declared {declared_sha256.lower()}, object has {obj.sha256}"


class FileService:
    def __init__(self, files: FileRepository, ledger: LedgerRepository) -> None:
        self.files = files
        self.ledger = ledger

    def match(self, f: FileRecord, obj: ObjectState | None = None) -> FileRecord:
        """Verify ``f`` against its object (``obj`` or the key's newest one), if the object was seen."""
        if f.direction != "uplink" or f.status not in ("pending", "available", "failed"):
            return f
        if key_problem(f.s3_key, f.owner):
            return f
        obj = obj or self.files.get_object(UPLINK, f.s3_key)
        if obj is None:
            return f
        status, reason = verdict(f.sha256, obj)
        return self.files.apply_object(f, obj, status, reason, actual_sha256=obj.sha256) or f

    def adopt(self, booking: Booking) -> None:
        """Record the uplink files attached at booking creation (idempotent)."""
        if not booking.uplink_files:
            return
        known = {f.id for f in self.files.list(booking.id)}
        for uf in booking.uplink_files:
            if uf.id in known:
                continue
            problem = key_problem(uf.s3_key, booking.owner)
            record = FileRecord(
                id=uf.id, booking_id=booking.id, owner=booking.owner, direction="uplink", s3_key=uf.s3_key,
                sha256=uf.sha256.lower() if uf.sha256 else None, status="failed" if problem else "pending",
                reason=problem, created_at=uf.created_at, updated_at=uf.updated_at,
            )
            if self.files.create(record):
                self.match(record)

    def attach(self, booking: Booking, key: str, sha256: str | None) -> FileRecord:
        problem = key_problem(key, booking.owner)
        if problem:
            raise InvalidRequest(problem)
        sha256 = sha256.lower() if sha256 else None
        self.adopt(booking)
        for f in self.files.list(booking.id, UPLINK):
            if f.s3_key == key and f.sha256 == sha256:
                return f  # a retried attach: the same file, not a second one
        [file_id] = self.ledger.next_ids("file")
        now = utcnow()
        record = FileRecord(id=file_id, booking_id=booking.id, owner=booking.owner, direction="uplink", s3_key=key,
                            sha256=sha256, created_at=now, updated_at=now)
        self.files.create(record)
        return self.match(record)

    def listing(self, booking: Booking, direction: str) -> list[FileRecord]:
        if direction == UPLINK:
            self.adopt(booking)
        return sorted(self.files.list(booking.id, direction), key=lambda f: f.id)

    def on_uplink_object(self, obj: ObjectState, owner: str | None) -> list[FileRecord]:
        """An uplink object was created: remember it, adopt any booking file naming it, verify every file
        naming it. Returns the files that changed."""
        self.files.record_object(obj)  # a duplicate is not recorded twice; the files below decide for themselves
        if owner:
            for booking in self.ledger.list_bookings(owner):
                if any(uf.s3_key == obj.key for uf in booking.uplink_files):
                    self.adopt(booking)
        changed = []
        for f in self.files.by_key(obj.key):
            if f.direction != UPLINK:
                continue
            after = self.match(f, obj)
            if after is not f:
                changed.append(after)
        return changed
