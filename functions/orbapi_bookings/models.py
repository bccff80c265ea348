"""Booking request (seed 001)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from functions.orbapi_files.models import UplinkFileRequest
from shared.adapters.dynamo.ledger import MAX_WINDOW
from shared.timefmt import UtcDateTime

MAX_SLOTS = 20


class SlotIn(BaseModel):
    start: UtcDateTime
    end: UtcDateTime
    gs_id: str = Field(min_length=1, max_length=64)

    @field_validator("gs_id", mode="before")
    @classmethod
    def _id_as_string(cls, value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _ordered(self) -> SlotIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > MAX_WINDOW:
            raise ValueError("a slot may last at most 24 hours")
        return self


class UplinkFileIn(UplinkFileRequest):
    """The same object reference as ``POST /orbapi/bookings/{id}/uplink-files`` takes."""


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    norad_cat_id: int = Field(ge=1, le=999_999_999)
    type: Literal["data", "lora"]
    slots: list[SlotIn] = Field(min_length=1, max_length=MAX_SLOTS)
    uplinkFile: UplinkFileIn | None = None  # noqa: N815 (seed's field name)

    @model_validator(mode="after")
    def _no_self_overlap(self) -> BookingRequest:
        by_station: dict[str, list[SlotIn]] = {}
        for s in self.slots:
            by_station.setdefault(s.gs_id, []).append(s)
        for gs, slots in by_station.items():
            slots.sort(key=lambda s: s.start)
            for a, b in zip(slots, slots[1:], strict=False):
                if b.start < a.end:
                    raise ValueError(f"slots overlap each other at ground station {gs}")
        return self
