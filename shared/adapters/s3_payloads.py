"""The payload objects in S3 (``shared.domain.files.ports.PayloadStorage``): read exactly the version an event
names (``versionId``, or ``If-Match`` on its ETag), copy it to the delivery bucket, presign uplink downloads."""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from shared.domain.files.ports import ObjectEvent

CHUNK = 1024 * 1024
_GONE = {"PreconditionFailed", "412", "NoSuchKey", "NoSuchVersion", "404"}


def _version_args(event: ObjectEvent, if_match: str) -> dict[str, str]:
    if event.version_id:
        return {"VersionId": event.version_id}
    return {if_match: f'"{event.etag}"'} if event.etag else {}


class S3PayloadStorage:
    def __init__(self, s3: Any, uplink_bucket: str, delivery_bucket: str, url_ttl_s: int,
                 downlink_bucket: str | None = None) -> None:
        self.s3 = s3
        self.downlink_bucket = downlink_bucket
        self.uplink_bucket = uplink_bucket
        self.delivery_bucket = delivery_bucket
        self.url_ttl_s = url_ttl_s

    def sha256(self, event: ObjectEvent) -> tuple[str, int] | None:
        """SHA-256 and size of the event's object version, read in 1 MiB chunks; None if gone or replaced."""
        try:
            resp = self.s3.get_object(Bucket=event.bucket, Key=event.key, **_version_args(event, "IfMatch"))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _GONE:
                return None
            raise
        digest, size = hashlib.sha256(), 0
        for chunk in resp["Body"].iter_chunks(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    def deliver(self, event: ObjectEvent, delivery_key: str) -> bool:
        copy_source = {"Bucket": event.bucket, "Key": event.key}
        extra: dict[str, str] = {}
        if event.version_id:
            copy_source["VersionId"] = event.version_id
        elif event.etag:
            extra["CopySourceIfMatch"] = f'"{event.etag}"'
        try:
            self.s3.copy(copy_source, self.delivery_bucket, delivery_key, ExtraArgs=extra or None)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _GONE:
                return False
            raise
        return True

    def download_url(self, key: str, version_id: str | None) -> tuple[str, int]:
        params = {"Bucket": self.uplink_bucket, "Key": key}
        if version_id:
            params["VersionId"] = version_id
        url = self.s3.generate_presigned_url("get_object", Params=params, ExpiresIn=self.url_ttl_s)
        return str(url), self.url_ttl_s

    def downlink_upload_url(self, key: str) -> tuple[str, int]:
        if self.downlink_bucket is None:
            raise RuntimeError("no downlink bucket configured")
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": self.downlink_bucket, "Key": key},
                                             ExpiresIn=self.url_ttl_s)
        return str(url), self.url_ttl_s
