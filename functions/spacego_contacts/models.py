"""Space Go contact requests (seed 000)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.timefmt import UtcDateTime, ceil_minute, floor_minute

BookingState = Literal["NEW", "PENDING", "CONFIRMED", "CANCELLED", "REJECTED", "REVIEW", "ONHOLD", "ONGOING",
                       "SUCCESS", "PARTIAL_SUCCESS", "FAIL", "POST_CONTACT", "UNKNOWN"]
BOOKING_STATES: tuple[str, ...] = BookingState.__args__  # type: ignore[attr-defined]


class ServiceRef(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    name: str | None = None
    description: str | None = None


class TimeRange(BaseModel):
    start_time: UtcDateTime | None = None
    end_time: UtcDateTime | None = None


class RfCustomization(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uplink_polarization: str | None = Field(default=None, max_length=32)
    downlink_polarization: str | None = Field(default=None, max_length=32)
    recording_times: TimeRange | None = None


class ContactCustomizations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    s_band: RfCustomization | None = None
    x_band: RfCustomization | None = None


class ContactCreateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spacecraft_id: str = Field(min_length=1, max_length=64)
    start: UtcDateTime
    end: UtcDateTime
    site_id: str = Field(min_length=1, max_length=64)
    service: ServiceRef
    customizations: ContactCustomizations | None = None

    @field_validator("start", mode="after")
    @classmethod
    def _start_minute(cls, value: datetime) -> datetime:
        return floor_minute(value)  # "minutes accuracy rounding down the seconds"

    @field_validator("end", mode="after")
    @classmethod
    def _end_minute(cls, value: datetime) -> datetime:
        return ceil_minute(value)  # "minutes accuracy rounding up the seconds"

    @model_validator(mode="after")
    def _ordered(self) -> ContactCreateRequest:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self
