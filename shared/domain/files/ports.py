"""What the files use cases need: the file records, and the payload objects themselves."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Protocol

from shared.domain.events.models import Event
from shared.domain.files.models import VERIFIABLE, FileRecord, FileStatus, ObjectState


class FileStore(Protocol):
    """File records and the newest seen version of each uplink object. Every status change is conditional:
    an update carries its event's ``order`` and applies only if greater than the stored one."""

    def create(self, record: FileRecord) -> bool:
        """Store a new file; False if that file id exists already."""
        ...

    def get(self, booking_id: int, file_id: int) -> FileRecord | None: ...

    def list(self, booking_id: int, direction: str | None = None) -> builtins.list[FileRecord]: ...

    def by_key(self, s3_key: str) -> builtins.list[FileRecord]: ...

    def record_object(self, obj: ObjectState) -> bool:
        """Remember the newest version of an object; False for a duplicate or stale event."""
        ...

    def get_object(self, bucket: str, key: str) -> ObjectState | None: ...

    def apply_object(self, f: FileRecord, obj: ObjectState, status: FileStatus, reason: str | None,
                     allowed: tuple[FileStatus, ...] = VERIFIABLE, *, touch: bool = True,
                     events: Sequence[Event] = (), **fields: Any) -> FileRecord | None:
        """Move ``f`` to ``status`` for object version ``obj`` if the file is in one of ``allowed`` and no newer
        (or the same) event was applied before. ``touch=False`` keeps ``updated_at`` (the object version moved on,
        nothing a client sees changed). ``events`` go into the event outbox in the same write (not at all when
        nothing changed). Returns the stored file, or None when nothing changed."""
        ...

    def claim_downlink(self, record: FileRecord, name: str) -> FileRecord:
        """The one file record of downlink object ``name`` of a booking: ``record`` if this call created it
        (a retried call whose first answer was lost included), else the one an earlier delivery of the same
        object created."""
        ...


class ObjectEvent(Protocol):
    """One S3 object version as its event names it."""

    @property
    def bucket(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def version_id(self) -> str | None: ...
    @property
    def order(self) -> str: ...


class PayloadStorage(Protocol):
    """The payload objects (S3)."""

    def sha256(self, event: ObjectEvent) -> tuple[str, int] | None:
        """SHA-256 and size of exactly the event's object version; None if it is gone or was replaced."""
        ...

    def deliver(self, event: ObjectEvent, delivery_key: str) -> bool:
        """Copy exactly the event's object version to the client delivery bucket; False if it is gone."""
        ...

    def download_url(self, key: str, version_id: str | None) -> tuple[str, int]:
        """A time-limited GET URL of an uplink object version, and its lifetime in seconds."""
        ...
