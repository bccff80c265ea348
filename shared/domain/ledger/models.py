"""The antenna-time ledger: one reservation of one station for one time window, whichever API made it.

An orbapi *booking* holds one or more slots; a Space Go *contact* holds one slot and a typed ``contact`` part
(spacecraft, service configuration, customizations). Both are stored as ``Booking`` records, with one status
of record (``status``); the Space Go contact state is derived from it (``contact_state``), never stored
beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

BookingStatus = Literal["Pending", "Confirmed", "Cancelled", "Completed", "Failed"]
Source = Literal["orbapi", "spacego"]
FINAL: tuple[BookingStatus, ...] = ("Completed", "Failed")
Outcome = Literal["completed", "failed", "partial"]


class Slot(BaseModel):
    id: int
    gs_id: str
    start: datetime
    end: datetime
    status: BookingStatus = "Pending"


class Window(BaseModel):
    gs_id: str
    start: datetime
    end: datetime


class Reservation(BaseModel):
    """One reserved window of a station, as the station's partition of the ledger holds it."""

    gs_id: str
    booking_id: int
    slot_id: int
    start: datetime
    end: datetime


class ServiceRef(BaseModel):
    id: str
    name: str | None = None
    description: str | None = None


class ContactPart(BaseModel):
    """What a Space Go contact adds to its reservation."""

    spacecraft_id: str
    service: ServiceRef
    customizations: dict[str, Any] | None = None
    state_msg: str | None = None
    channels: list[dict[str, Any]] = Field(default_factory=list)  # reported by the station
    antenna_metrics: list[Any] = Field(default_factory=list)


class StationResult(BaseModel):
    """A station's report of its part of a reservation."""

    status: Outcome
    reported_at: datetime
    message: str | None = None
    metrics: Any = None
    channels: list[dict[str, Any]] | None = None


class Booking(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    owner: str
    owner_type: str
    norad_id: int
    type: str
    status: BookingStatus = "Pending"
    source: Source = "orbapi"
    requested_at: datetime
    updated_at: datetime
    slots: list[Slot]
    contact: ContactPart | None = None
    station_results: dict[str, StationResult] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_untyped_details(cls, data: Any) -> Any:
        """Records written before the contact part was typed kept it in a ``details`` dict: read them."""
        if not isinstance(data, dict) or "details" not in data:
            return data
        data = dict(data)
        details = data.pop("details") or {}
        if "contact" not in data and "spacecraft_id" in details:
            data["contact"] = {k: details[k] for k in ("spacecraft_id", "service", "customizations", "state_msg",
                                                       "channels", "antenna_metrics") if details.get(k) is not None}
        if "station_results" not in data and details.get("stationResults"):
            data["station_results"] = {
                gs: {"status": r["status"], "reported_at": r["reportedAt"], "message": r.get("message"),
                     "metrics": r.get("metrics"), "channels": r.get("channels")}
                for gs, r in details["stationResults"].items()
            }
        return data

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def windows(self) -> list[Window]:
        return [Window(gs_id=s.gs_id, start=s.start, end=s.end) for s in self.slots]


ContactState = Literal["NEW", "PENDING", "CONFIRMED", "CANCELLED", "REJECTED", "REVIEW", "ONHOLD", "ONGOING",
                       "SUCCESS", "PARTIAL_SUCCESS", "FAIL", "POST_CONTACT", "UNKNOWN"]  # seed 000 BookingStates
CONTACT_STATES: tuple[str, ...] = ContactState.__args__  # type: ignore[attr-defined]


def contact_state(booking: Booking) -> ContactState:
    """The Space Go state of a contact (seed 000 ``BookingStates``), derived from the one status of record."""
    if booking.status == "Completed":
        partial = any(r.status == "partial" for r in booking.station_results.values())
        return "PARTIAL_SUCCESS" if partial else "SUCCESS"
    states: dict[BookingStatus, ContactState] = {"Pending": "CONFIRMED", "Confirmed": "CONFIRMED",
                                                 "Cancelled": "CANCELLED", "Failed": "FAIL"}
    return states[booking.status]
