"""News articles (seed 002, "News Operations"): the stored record. Its fields are the seed's item fields
(``NEWS_FIELDS``, in the seed's order); the wire view is the SSA surface's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

NEWS_FIELDS: tuple[str, ...] = (
    "id", "title", "short_description", "source", "mission_name", "date", "url", "slug", "last_updated",
    "country_code", "mission_description", "off_url", "insertion_time", "created_at", "updated_at",
)  # fmt: skip
# What an import compares to decide whether a re-imported article changed (the record timestamps are ours).
CONTENT_FIELDS: tuple[str, ...] = NEWS_FIELDS[1:12]


def utc(value: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_z(value: datetime) -> str:
    """``2023-11-20T13:00:32Z`` (fractional seconds only when there are any)."""
    value = utc(value)
    frac = f".{value.microsecond:06d}" if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + frac + "Z"


class NewsArticle(BaseModel):
    """One article. ``date`` is its publication time; ``last_updated`` the source's last update;
    ``insertion_time`` / ``created_at`` when Groundlink first stored it, ``updated_at`` when it last changed."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    title: str = Field(min_length=1, max_length=500)
    short_description: str | None = Field(default=None, max_length=5000)
    source: str = Field(min_length=1, max_length=200)
    mission_name: str | None = Field(default=None, max_length=300)
    date: datetime
    url: str | None = Field(default=None, max_length=2000)
    slug: str | None = Field(default=None, max_length=500)
    last_updated: datetime | None = None
    country_code: str | None = Field(default=None, max_length=8)
    mission_description: str | None = Field(default=None, max_length=5000)
    off_url: str | None = Field(default=None, max_length=2000)
    insertion_time: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("date", "last_updated", "insertion_time", "created_at", "updated_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)

    @field_serializer("date", "last_updated", "insertion_time", "created_at", "updated_at")
    def _iso(self, value: datetime | None) -> str | None:
        return None if value is None else iso_z(value)

    def content(self) -> dict[str, Any]:
        dumped = self.model_dump()
        return {name: dumped[name] for name in CONTENT_FIELDS}
