"""Uplink and downlink files (seed 001 "File Metadata"): metadata in DynamoDB, payloads in S3.

Status values (seed 001): ``pending`` (metadata accepted, object not verified), ``available`` (verified,
usable by the station), ``consumed``, ``failed`` (verification or use failed), ``delivered`` (downlink
copied to the client's delivery prefix)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

FileStatus = Literal["pending", "available", "consumed", "failed", "delivered"]
Direction = Literal["uplink", "downlink"]

# An S3 event for an object that is already consumed or delivered-and-unchanged changes nothing.
VERIFIABLE: tuple[FileStatus, ...] = ("pending", "available", "failed")


class ObjectState(BaseModel):
    """One version of an S3 object as an event saw it, with the SHA-256 the worker computed by streaming it.

    ``order`` ranks the events of one key: S3's ``sequencer`` (zero-padded, so strings compare), or where an
    emulator sends none, the event time plus the ETag. A write carrying an ``order`` not greater than the
    stored one is stale or a duplicate and changes nothing."""

    bucket: str
    key: str
    order: str
    sha256: str
    size: int
    etag: str | None = None
    version_id: str | None = None


class FileRecord(BaseModel):
    id: int
    booking_id: int
    owner: str
    direction: Direction
    s3_key: str  # uplink: key in the uplink bucket; downlink: key in the client delivery bucket
    source_key: str | None = None  # downlink: key the station dropped in the downlink bucket
    sha256: str | None = None  # uplink: declared by the client; downlink: computed on delivery
    status: FileStatus = "pending"
    reason: str | None = None
    actual_sha256: str | None = None
    size: int | None = None
    version_id: str | None = None  # the object version the status is about (presigned URLs pin it)
    etag: str | None = None
    order: str | None = None  # ObjectState.order of the event last applied
    created_at: datetime
    updated_at: datetime


def client_prefix(owner: str) -> str:
    """Where a client's objects live, in the uplink and the delivery bucket."""
    return f"clients/{owner}/"


def owner_of_key(key: str) -> str | None:
    parts = key.split("/")
    if len(parts) >= 3 and parts[0] == "clients" and parts[1] and parts[-1]:
        return parts[1]
    return None


def key_problem(key: str, owner: str) -> str | None:
    """Why ``key`` may not hold ``owner``'s uplink file (None when it may)."""
    prefix = client_prefix(owner)
    if not key.startswith(prefix) or len(key) == len(prefix):
        return f"key: must name an object under {prefix} (the caller's prefix)"
    if any(part in ("", ".", "..") for part in key[len(prefix):].split("/")):
        return "key: must not contain empty, '.' or '..' path segments"
    return None


def delivery_key(owner: str, booking_id: int, name: str) -> str:
    return f"{client_prefix(owner)}downlink/booking-{booking_id}/{name}"
