"""File records and seen objects in memory, with the DynamoDB store's conditional rules."""

from __future__ import annotations

import builtins
import threading
from collections.abc import Sequence
from typing import Any

from shared.adapters.memory.outbox import MemoryEventOutbox
from shared.domain.events.models import Event
from shared.domain.files.models import VERIFIABLE, FileRecord, FileStatus, ObjectState
from shared.timefmt import utcnow


class MemoryFileStore:
    def __init__(self, outbox: MemoryEventOutbox | None = None) -> None:
        self.outbox = outbox or MemoryEventOutbox()  # events are added under its lock, with the change
        self._lock = threading.RLock()
        self._files: dict[tuple[int, int], FileRecord] = {}
        self._objects: dict[tuple[str, str], ObjectState] = {}
        self._downlinks: dict[tuple[int, str], int] = {}

    def create(self, record: FileRecord) -> bool:
        with self._lock:
            key = (record.booking_id, record.id)
            if key in self._files:
                return False
            self._files[key] = record
            return True

    def lock(self) -> threading.RLock:
        """Held by the ledger while it writes a booking's change with the files it causes (one write)."""
        return self._lock

    def replace(self, before: FileRecord, after: FileRecord) -> bool:
        """Store ``after`` if the file is still exactly ``before`` (the ledger's conditional file write)."""
        with self._lock:
            key = (before.booking_id, before.id)
            if self._files.get(key) != before:
                return False
            self._files[key] = after
            return True

    def get(self, booking_id: int, file_id: int) -> FileRecord | None:
        with self._lock:
            return self._files.get((booking_id, file_id))

    def list(self, booking_id: int, direction: str | None = None) -> builtins.list[FileRecord]:
        with self._lock:
            found = [f for (b, _), f in self._files.items() if b == booking_id]
        return sorted((f for f in found if direction is None or f.direction == direction), key=lambda f: f.id)

    def by_key(self, s3_key: str) -> builtins.list[FileRecord]:
        with self._lock:
            return [f for f in self._files.values() if f.s3_key == s3_key]

    def record_object(self, obj: ObjectState) -> bool:
        with self._lock:
            old = self._objects.get((obj.bucket, obj.key))
            if old is not None and not old.order < obj.order:
                return False
            self._objects[(obj.bucket, obj.key)] = obj
            return True

    def get_object(self, bucket: str, key: str) -> ObjectState | None:
        with self._lock:
            return self._objects.get((bucket, key))

    def apply_object(self, f: FileRecord, obj: ObjectState, status: FileStatus, reason: str | None,
                     allowed: tuple[FileStatus, ...] = VERIFIABLE, *, touch: bool = True,
                     events: Sequence[Event] = (), **fields: Any) -> FileRecord | None:
        with self._lock, self.outbox.lock:
            current = self._files.get((f.booking_id, f.id))
            if current is None or current.status not in allowed:
                return None
            if current.order is not None and not current.order < obj.order:
                return None
            updated = current.model_copy(update={
                "status": status, "reason": reason, "order": obj.order, "size": obj.size, "etag": obj.etag,
                "version_id": obj.version_id, "updated_at": utcnow() if touch else current.updated_at, **fields,
            })
            self._files[(f.booking_id, f.id)] = updated
            self.outbox.add(events)
            return updated

    def claim_downlink(self, record: FileRecord, name: str) -> FileRecord:
        with self._lock:
            guard = (record.booking_id, name)
            if guard in self._downlinks:
                existing = self._files[(record.booking_id, self._downlinks[guard])]
                return existing
            self._downlinks[guard] = record.id
            self._files[(record.booking_id, record.id)] = record
            return record
