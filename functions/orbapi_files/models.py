"""Attach-uplink-file request (seed 001)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class UplinkFileRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, max_length=1024)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")

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
