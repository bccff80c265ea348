"""The antenna-time ledger: one reservation of one station for one time window, whichever API made it.

An orbapi *booking* holds one or more slots; a Space Go *contact* holds one slot and a typed ``contact`` part
(spacecraft, service configuration, customizations). Both are stored as ``Booking`` records, with one status
of record (``status``, seed 001's style) and one ``state_msg`` saying why; the Space Go contact state is
derived from the status (``contact_state``), never stored beside it. How the status moves in time is
``lifecycle.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# orbapi's status of a booking and of each slot (seed 001's style). Pending: reserved (the seed's status of a new
# booking); Confirmed: reserved (records of earlier versions, and a reservation back from Review); InProgress:
# its window began; AwaitingReport: its window ended, the station's report is awaited; Completed / Failed: the
# station reported (or no report came within the grace period: Failed); Cancelled; Review: a newer element set
# moved the pass away from the window.
BookingStatus = Literal["Pending", "Confirmed", "InProgress", "AwaitingReport", "Completed", "Failed", "Cancelled",
                        "Review"]
BOOKING_STATUSES: tuple[str, ...] = BookingStatus.__args__  # type: ignore[attr-defined]
Source = Literal["orbapi", "spacego"]
FINAL: tuple[BookingStatus, ...] = ("Completed", "Failed")
NOT_STARTED: tuple[BookingStatus, ...] = ("Pending", "Confirmed")
CLOSED: tuple[BookingStatus, ...] = ("Completed", "Failed", "Cancelled")  # nothing moves any more
Outcome = Literal["completed", "failed", "partial"]


class Slot(BaseModel):
    id: int
    gs_id: str
    start: datetime
    end: datetime
    status: BookingStatus = "Pending"
    # the predicted pass the window was booked inside (absent on records of earlier versions): an orbit change
    # names its shift against it
    pass_start: datetime | None = None
    pass_end: datetime | None = None


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
    state_msg: str | None = None  # why the booking is in its status (the last transition's reason)
    due_at: datetime | None = None  # when time next moves it (the time index); None once nothing will

    @model_validator(mode="before")
    @classmethod
    def _from_untyped_details(cls, data: Any) -> Any:
        """Records written before the contact part was typed kept it in a ``details`` dict, and before the
        lifecycle the state message in the contact part: read them."""
        if not isinstance(data, dict):
            return data
        contact = data.get("contact")
        if data.get("state_msg") is None and isinstance(contact, dict) and contact.get("state_msg"):
            data = {**data, "state_msg": contact["state_msg"]}
        if "details" not in data:
            return data
        data = dict(data)
        details = data.pop("details") or {}
        if "contact" not in data and "spacecraft_id" in details:
            data["contact"] = {k: details[k] for k in ("spacecraft_id", "service", "customizations", "state_msg",
                                                       "channels", "antenna_metrics") if details.get(k) is not None}
            if data.get("state_msg") is None and details.get("state_msg"):
                data["state_msg"] = details["state_msg"]
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

    def live_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.status != "Cancelled"]

    @property
    def first_start(self) -> datetime:
        return min(s.start for s in self.slots)

    def windows(self) -> list[Window]:
        return [Window(gs_id=s.gs_id, start=s.start, end=s.end) for s in self.slots]


ContactState = Literal["NEW", "PENDING", "CONFIRMED", "CANCELLED", "REJECTED", "REVIEW", "ONHOLD", "ONGOING",
                       "SUCCESS", "PARTIAL_SUCCESS", "FAIL", "POST_CONTACT", "UNKNOWN"]  # seed 000 BookingStates
CONTACT_STATES: tuple[str, ...] = ContactState.__args__  # type: ignore[attr-defined]


SPACEGO_STATE: dict[BookingStatus, ContactState] = {
    "Pending": "CONFIRMED", "Confirmed": "CONFIRMED", "InProgress": "ONGOING", "AwaitingReport": "POST_CONTACT",
    "Failed": "FAIL", "Cancelled": "CANCELLED", "Review": "REVIEW",
}  # Completed: SUCCESS or PARTIAL_SUCCESS by the station results


def contact_state(booking: Booking) -> ContactState:
    """The Space Go state of a reservation (seed 000 ``BookingStates``), derived from the one status of record."""
    if booking.status == "Completed":  # partly: a station reported partial, or another's part failed
        partial = any(r.status == "partial" for r in booking.station_results.values()) or \
            any(s.status == "Failed" for s in booking.slots)
        return "PARTIAL_SUCCESS" if partial else "SUCCESS"
    return SPACEGO_STATE[booking.status]
