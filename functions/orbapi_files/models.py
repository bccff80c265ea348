"""Attach-uplink-file request (seed 001)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class UplinkFileRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, max_length=1024)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
