"""S3 ObjectCreated events of the uplink and downlink buckets (at least once, in any order).

* uplink ``clients/<owner>/…`` → stream the object, SHA-256 → each file naming the key becomes ``available``
  (declared checksum matches, or none was declared) or ``failed`` with the reason;
* downlink ``downlink/<bookingId>/<name>`` → one downlink file record, a copy to the delivery bucket under
  ``clients/<owner>/downlink/booking-<id>/<name>``, then ``delivered``.

The object version read is the one the event names (``versionId``, or ``If-Match`` on its ETag): an event whose
object was overwritten since is stale and skipped - the newer object's own event follows. An event already
applied (a re-sent one, or an older one) and the same bytes put again are recognised from the key's stored
object record and never downloaded or hashed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from shared.domain.files.models import FileRecord
from shared.domain.files.ports import PayloadStorage
from shared.domain.files.service import FileService, downlink_name
from shared.observability import logger


@dataclass(frozen=True)
class ObjectEvent:
    bucket: str
    key: str
    size: int
    etag: str | None
    version_id: str | None
    order: str

    @classmethod
    def from_record(cls, record: Any) -> ObjectEvent:
        """From a Powertools ``S3RecordModel``."""
        obj = record.s3.object
        etag = (obj.eTag or "").strip('"') or None
        if obj.sequencer:
            order = "S" + obj.sequencer.upper().rjust(32, "0")
        else:  # emulators send no sequencer: event time, then ETag
            order = "T" + record.eventTime.strftime("%Y%m%dT%H%M%S.%f") + "#" + (etag or "")
        version = obj.versionId if obj.versionId not in (None, "", "null") else None
        return cls(bucket=record.s3.bucket.name, key=unquote_plus(obj.key), size=int(obj.size or 0), etag=etag,
                   version_id=version, order=order)


class FileEvents:
    """Routes each object event by bucket to the files use case."""

    def __init__(self, files: FileService, storage: PayloadStorage, buckets: dict[str, str]) -> None:
        """``buckets``: physical bucket name → bucket key (``uplink``, ``downlink``, ``delivery``)."""
        self.files = files
        self.storage = storage
        self.buckets = buckets

    def handle(self, event: ObjectEvent) -> list[FileRecord]:
        kind = self.buckets.get(event.bucket)
        if kind == "uplink":
            return self.uplink(event)
        if kind == "downlink":
            return self.downlink(event)
        logger.warning("object event of an unexpected bucket ignored", extra={"bucket": event.bucket})
        return []

    def uplink(self, event: ObjectEvent) -> list[FileRecord]:
        return self.files.on_uplink_event(event, self.storage)

    def downlink(self, event: ObjectEvent) -> list[FileRecord]:
        if downlink_name(event.key) is None:
            logger.warning("downlink object outside downlink/<bookingId>/<name> ignored", extra={"key": event.key})
            return []
        done = self.files.on_downlink_object(event, self.storage)
        return [done] if done else []
