"""orbapi bookings (seed 001): reserve pass windows on the antenna-time ledger, list, cancel."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, BookingStatus
from shared.domain.ledger.policy import MAX_WINDOW, ORBAPI_CANCEL, PREDICTION_HORIZON
from shared.domain.ledger.service import BookingRequest as BookingIntent
from shared.domain.ledger.service import LedgerService, SlotRequest, UplinkRequest
from shared.http import caller
from shared.idempotency import run_idempotent
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.files_schema import FileOut, UplinkFileRequest, file_view
from shared.timefmt import UtcDateTime, iso_ms
from shared.wiring import ledger as wiring

router = APIRouter(tags=["Bookings"])

MAX_SLOTS = 20
MAX_WINDOW_HOURS = int(MAX_WINDOW.total_seconds() // 3600)
BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]
Ledger = Annotated[LedgerService, Depends(wiring.ledger_service)]


# -- requests ------------------------------------------------------------------------------------------
class SlotIn(BaseModel):
    start: UtcDateTime = Field(description="Not in the past.")
    end: UtcDateTime = Field(description=f"After `start`, at most {MAX_WINDOW_HOURS} hours after it, and within the "
                             f"booking horizon of {PREDICTION_HORIZON.days} days from now.")
    gs_id: str = Field(min_length=1, max_length=64, description="Ground station ID")

    @field_validator("gs_id", mode="before")
    @classmethod
    def _id_as_string(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _ordered(self) -> SlotIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > MAX_WINDOW:
            raise ValueError(f"a slot may last at most {MAX_WINDOW_HOURS} hours")
        return self


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    norad_cat_id: int = Field(ge=1, le=999_999_999, description="Satellite NORAD catalog ID")
    type: Literal["data", "lora"] = Field(description="Mission type")
    slots: list[SlotIn] = Field(min_length=1, max_length=MAX_SLOTS,
                                description=f"Requested reservation windows (1 to {MAX_SLOTS}; slots at one ground "
                                            "station may not overlap each other)")
    uplinkFile: UplinkFileRequest | None = None  # noqa: N815 (seed's field name)

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

    def intent(self) -> BookingIntent:
        uplink = UplinkRequest(self.uplinkFile.key, self.uplinkFile.sha256) if self.uplinkFile else None
        return BookingIntent(norad_id=self.norad_cat_id, type=self.type, uplink=uplink,
                             slots=[SlotRequest(s.gs_id, s.start, s.end) for s in self.slots])


# -- responses -----------------------------------------------------------------------------------------
class BookingCreated(BaseModel):
    status: Literal["success"]
    bookingId: int  # noqa: N815 (seed's field names)
    missionId: int  # noqa: N815
    uplinkFile: FileOut | None  # noqa: N815
    tleEpoch: str | None = Field(default=None, description="Epoch of the satellite's current element set, "  # noqa: N815
                                 "which the slots were checked against")
    tleAgeDays: float | None = Field(default=None, description="Its age at booking, in days")  # noqa: N815
    tleWarning: str | None = Field(default=None, description="Present when it is older than the warning "  # noqa: N815
                                   "threshold")


STATUS_DOC = ("Pending (reserved), Confirmed (reserved; again after a review), InProgress (its window began), "
              "AwaitingReport (its window ended, the station's report is awaited), Completed, Failed (reported "
              "failed, or no report within the grace period), Cancelled, Review (a newer element set moved the "
              "pass away from the window)")


class SlotOut(BaseModel):
    id: int
    missionId: int  # noqa: N815
    gsId: str  # noqa: N815
    start: str
    end: str
    status: BookingStatus = Field(description=STATUS_DOC)


class BookingOut(BaseModel):
    id: int
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815
    ownerId: str  # noqa: N815
    ownerType: str  # noqa: N815
    noradId: str  # noqa: N815
    type: str
    status: BookingStatus = Field(description=STATUS_DOC)
    statusMessage: str | None = Field(default=None, description="Why the booking is in its status")  # noqa: N815
    requestedAt: str  # noqa: N815
    updatedAt: str  # noqa: N815
    slots: list[SlotOut]


class BookingList(BaseModel):
    bookings: list[BookingOut]


class BookingCancelled(BaseModel):
    status: Literal["success"]
    message: str
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815


def booking_view(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.id, bookingId=b.id, missionId=b.id, ownerId=b.owner, ownerType=b.owner_type, noradId=str(b.norad_id),
        type=b.type, status=b.status, statusMessage=b.state_msg, requestedAt=iso_ms(b.requested_at),
        updatedAt=iso_ms(b.updated_at),
        slots=[SlotOut(id=s.id, missionId=b.id, gsId=s.gs_id, start=iso_ms(s.start), end=iso_ms(s.end),
                       status=s.status) for s in b.slots],
    )


# -- routes ----------------------------------------------------------------------------------------------
@router.post("/orbapi/bookings", status_code=201, response_model=BookingCreated, summary="Create Booking",
             description="The satellite's current element set must be no older than the deployment's limit "
                         "(`GROUNDLINK_TLE_MAX_AGE_DAYS`, 14 days by default): 400 naming its epoch and the limit "
                         "otherwise. The answer names that set's epoch and age (`tleEpoch`, `tleAgeDays`) and "
                         "warns past 3 days (`tleWarning`).",
             responses=error_responses("orbapi", 400, 401, 403, 404, 409, 422))
def create_booking(
    request: BookingRequest,
    http: Request,
    ledger: Ledger,
    principal: Principal = caller("bookings:create"),
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key",
                                                  description="Same key and body: same response, one booking")] = None,
) -> dict[str, object]:
    def create() -> dict[str, object]:
        booking, file = ledger.book(request.intent(), principal)
        fresh = ledger.element_set_freshness(booking.norad_id)
        return BookingCreated(
            status="success", bookingId=booking.id, missionId=booking.id, uplinkFile=file_view(file) if file else None,
            tleEpoch=fresh.epoch_iso if fresh else None, tleAgeDays=fresh.age_days_rounded if fresh else None,
            tleWarning=fresh.warning if fresh else None,
        ).model_dump(mode="json")

    return run_idempotent("orbapi-bookings", idempotency_key, principal.subject, request.model_dump(mode="json"),
                          create, http.scope.get("aws.context"))


@router.get("/orbapi/bookings", response_model=BookingList, summary="List Bookings",
            responses=error_responses("orbapi", 401))
def list_bookings(ledger: Ledger, principal: Principal = caller()) -> BookingList:
    bookings = sorted(ledger.list(principal, "orbapi"), key=lambda b: b.id, reverse=True)
    return BookingList(bookings=[booking_view(b) for b in bookings])


@router.delete("/orbapi/bookings/{bookingId}", response_model=BookingCancelled, summary="Cancel Booking",
               description="A booking whose first window has begun (or that ended, failed or was cancelled) is "
                           "refused with 409 naming its status.",
               responses=error_responses("orbapi", 400, 401, 403, 404, 409))
def cancel_booking(bookingId: BookingId, ledger: Ledger,  # noqa: N803
                   principal: Principal = caller("bookings:cancel")) -> BookingCancelled:
    b = ledger.cancel(bookingId, principal, ORBAPI_CANCEL)
    return BookingCancelled(status="success", message="Booking cancelled successfully", bookingId=b.id,
                            missionId=b.id)
