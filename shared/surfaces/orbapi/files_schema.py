"""orbapi file metadata on the wire (seed 001 "File Metadata"): the attach request and the file shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.files.models import FileRecord, FileStatus
from shared.timefmt import iso_ms


class UplinkFileRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, max_length=1024, description="Object key in the uplink bucket, under "
                                                                  "clients/<caller>/")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$",
                               description="Optional SHA-256 checksum as 64 hexadecimal characters")

    @field_validator("key")
    @classmethod
    def _s3_key(cls, value: str) -> str:
        """S3 keys are at most 1024 UTF-8 bytes; control characters are refused."""
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
        if size > 1024:
            raise ValueError(f"is {size} bytes in UTF-8; S3 keys are at most 1024")
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must not contain control characters")
        return value


class FileOut(BaseModel):
    id: int
    missionId: int  # noqa: N815 (seed's field names)
    direction: Literal["uplink", "downlink"]
    s3Key: str  # noqa: N815
    sha256: str | None
    status: FileStatus
    createdAt: str  # noqa: N815
    updatedAt: str  # noqa: N815
    error: str | None = Field(default=None, description="Why the file is failed (e.g. the object's SHA-256 does not "
                                                        "match the declared one); null unless status is failed")


class FileList(BaseModel):
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815
    files: list[FileOut]


class FileAttached(BaseModel):
    status: Literal["success"]
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815
    uplinkFile: FileOut  # noqa: N815


def file_view(f: FileRecord) -> FileOut:
    return FileOut(id=f.id, missionId=f.booking_id, direction=f.direction, s3Key=f.s3_key, sha256=f.sha256,
                   status=f.status, createdAt=iso_ms(f.created_at), updatedAt=iso_ms(f.updated_at),
                   error=(f.reason or "the file failed") if f.status == "failed" else None)
