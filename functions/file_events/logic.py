"""S3 ObjectCreated events of the uplink and downlink buckets (at least once, in any order).

* uplink ``clients/<owner>/…`` → stream the object, SHA-256 → each file naming the key becomes ``available``
  (declared checksum matches, or none was declared) or ``failed`` with the reason;
* downlink ``downlink/<bookingId>/<name>`` → one downlink file record, a copy to the delivery bucket under
  ``clients/<owner>/downlink/booking-<id>/<name>``, then ``delivered``.

The object version read is the one the event names (``versionId``, or ``If-Match`` on its ETag): an event whose
object was overwritten since is stale and skipped - the newer object's own event follows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from functions.orbapi_files.logic import FileService
from shared.adapters.dynamo.files import FileRepository
from shared.adapters.dynamo.ledger import LedgerRepository
from shared.domain.files.models import FileRecord, ObjectState, delivery_key, owner_of_key
from shared.observability import logger
from shared.timefmt import utcnow

CHUNK = 1024 * 1024
_GONE = {"PreconditionFailed", "412", "NoSuchKey", "NoSuchVersion", "404"}


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


def _version_args(event: ObjectEvent, if_match: str) -> dict:
    if event.version_id:
        return {"VersionId": event.version_id}
    return {if_match: f'"{event.etag}"'} if event.etag else {}


def stream_sha256(s3, event: ObjectEvent) -> tuple[str, int] | None:
    """SHA-256 and size of the event's object version, read in 1 MiB chunks; None if it is gone or replaced."""
    try:
        resp = s3.get_object(Bucket=event.bucket, Key=event.key, **_version_args(event, "IfMatch"))
    except ClientError as exc:
        if exc.response["Error"]["Code"] in _GONE:
            return None
        raise
    digest, size = hashlib.sha256(), 0
    for chunk in resp["Body"].iter_chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class FileEvents:
    def __init__(self, files: FileRepository, ledger: LedgerRepository, s3, buckets: dict[str, str]) -> None:
        """``buckets``: physical bucket name → bucket key (``uplink``, ``downlink``, ``delivery``)."""
        self.files = files
        self.ledger = ledger
        self.s3 = s3
        self.buckets = buckets
        self.delivery_bucket = next(name for name, key in buckets.items() if key == "delivery")
        self.service = FileService(files, ledger)

    def handle(self, event: ObjectEvent) -> list[FileRecord]:
        kind = self.buckets.get(event.bucket)
        if kind == "uplink":
            return self.uplink(event)
        if kind == "downlink":
            return self.downlink(event)
        logger.warning("object event of an unexpected bucket ignored", extra={"bucket": event.bucket})
        return []

    def uplink(self, event: ObjectEvent) -> list[FileRecord]:
        digest = stream_sha256(self.s3, event)
        if digest is None:
            logger.info("stale uplink event skipped", extra={"key": event.key})
            return []
        sha, size = digest
        obj = ObjectState(bucket="uplink", key=event.key, order=event.order, sha256=sha, size=size,
                          etag=event.etag, version_id=event.version_id)
        return self.service.on_uplink_object(obj, owner_of_key(event.key))

    def downlink(self, event: ObjectEvent) -> list[FileRecord]:
        parts = event.key.split("/", 2)
        if len(parts) != 3 or parts[0] != "downlink" or not parts[1].isdigit() or not parts[2] or \
                any(p in ("", ".", "..") for p in parts[2].split("/")):
            logger.warning("downlink object outside downlink/<bookingId>/<name> ignored", extra={"key": event.key})
            return []
        booking_id, name = int(parts[1]), parts[2]
        booking = self.ledger.get_booking(booking_id)
        if booking is None:
            logger.warning("downlink object for an unknown booking ignored", extra={"key": event.key})
            return []
        now = utcnow()
        [file_id] = self.ledger.next_ids("file")
        record = self.files.claim_downlink(FileRecord(
            id=file_id, booking_id=booking.id, owner=booking.owner, direction="downlink",
            s3_key=delivery_key(booking.owner, booking.id, name), source_key=event.key,
            created_at=now, updated_at=now,
        ), name)
        if record.order is not None and record.order >= event.order:
            return []  # delivered already (a duplicate) or a newer drop was delivered (a stale event)
        digest = stream_sha256(self.s3, event)
        if digest is None:
            return []
        sha, size = digest
        copy_source = {"Bucket": event.bucket, "Key": event.key}
        extra: dict = {}
        if event.version_id:
            copy_source["VersionId"] = event.version_id
        elif event.etag:
            extra["CopySourceIfMatch"] = f'"{event.etag}"'
        try:
            self.s3.copy(copy_source, self.delivery_bucket, record.s3_key, ExtraArgs=extra or None)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _GONE:
                return []
            raise
        obj = ObjectState(bucket="downlink", key=event.key, order=event.order, sha256=sha, size=size,
                          etag=event.etag, version_id=event.version_id)
        done = self.files.apply_object(record, obj, "delivered", None, allowed=("pending", "delivered", "failed"),
                                       sha256=sha, actual_sha256=sha)
        return [done] if done else []
