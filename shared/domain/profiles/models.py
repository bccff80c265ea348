"""Mission profile models (seed 001 "Mission Profiles"): the validated create input and the stored truth.

Wire shapes (camelCase) are built by ``shared.surfaces.orbapi.profiles``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CreatedByType = Literal["api_client", "user", "service"]

NAME_MAX_CHARS = 200
PROFILE_MAX_BYTES = 64 * 1024  # compact UTF-8 JSON of the stored profile


class MissionProfileInput(BaseModel):
    """A create request after the optional ``profile`` wrapper has been resolved. ``name`` is optional
    (seed 001 stores a body without the wrapper as the profile, whether or not it carries a name)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX_CHARS)
    profile: dict[str, Any]

    @field_validator("name")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be blank")
        return v


class MissionProfile(BaseModel):
    """A stored mission profile. ``created_by`` is the owning principal's subject."""

    id: int = Field(ge=1)
    satellite_norad_id: int = Field(ge=1, le=999_999_999)
    name: str | None = None
    profile: dict[str, Any]
    created_by: str
    created_by_type: CreatedByType
    created_at: datetime
    updated_at: datetime


def utc_now_ms() -> datetime:
    """Now in UTC, truncated to whole milliseconds (the resolution of the wire format)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)

