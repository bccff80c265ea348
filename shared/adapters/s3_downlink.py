"""Stations' downlinked data put into the downlink bucket (``shared.domain.stations.ports.DownlinkDrop``): the
bucket's object events deliver each object to the booking's client (``functions/file_events``)."""

from __future__ import annotations

from typing import Any


class S3DownlinkDrop:
    def __init__(self, s3: Any, downlink_bucket: str) -> None:
        self.s3 = s3
        self.bucket = downlink_bucket

    def drop(self, key: str, body: bytes, content_type: str | None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
