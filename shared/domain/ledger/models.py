"""The antenna-time ledger: one reservation of one station for one time window, whichever API made it.

An orbapi *booking* holds one or more slots; a Space Go *contact* holds one. Both are stored as
``Booking`` records with their ``Reservation`` rows in the station's partition."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

BookingStatus = Literal["Pending", "Confirmed", "Cancelled", "Completed", "Failed"]


class Slot(BaseModel):
    id: int
    gs_id: str
    start: datetime
    end: datetime
    status: BookingStatus = "Pending"


class UplinkFile(BaseModel):
    id: int
    booking_id: int
    s3_key: str
    sha256: str | None = None
    status: str = "pending"
    created_at: datetime
    updated_at: datetime


class Booking(BaseModel):
    id: int
    owner: str
    owner_type: str
    norad_id: int
    type: str
    status: BookingStatus = "Pending"
    source: Literal["orbapi", "spacego"] = "orbapi"
    requested_at: datetime
    updated_at: datetime
    slots: list[Slot]
    uplink_files: list[UplinkFile] = []
    details: dict = {}


class Window(BaseModel):
    gs_id: str
    start: datetime
    end: datetime
