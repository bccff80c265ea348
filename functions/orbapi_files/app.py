"""orbapi uplink and downlink file metadata (seed 001)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from functions.orbapi_files.logic import FileService
from functions.orbapi_files.models import UplinkFileRequest
from shared.adapters.dynamo.files import file_repository
from shared.adapters.dynamo.ledger import ledger_repository
from shared.domain.errors import Conflict, NotFound
from shared.domain.files.models import file_view
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking
from shared.http import caller, create_app

app = create_app("orbapi", "Groundlink orbapi files")

BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]


def service() -> FileService:
    return FileService(file_repository(), ledger_repository())


def owned(booking_id: int, principal: Principal) -> Booking:
    b = ledger_repository().get_booking(booking_id)
    if b is None or b.source != "orbapi" or not principal.can_see(b.owner):
        raise NotFound(f"booking {booking_id} not found")  # someone else's: 404, never 403
    return b


@app.post("/orbapi/bookings/{bookingId}/uplink-files", status_code=201)
def attach_uplink_file(bookingId: BookingId, request: UplinkFileRequest,  # noqa: N803
                       principal: Principal = caller("bookings:create")) -> dict:
    b = owned(bookingId, principal)
    if b.status in ("Cancelled", "Completed", "Failed"):
        raise Conflict(f"booking {b.id} is {b.status}: no uplink file can be attached any more")
    f = service().attach(b, request.key, request.sha256)
    return {"status": "success", "bookingId": b.id, "missionId": b.id, "uplinkFile": file_view(f)}


@app.get("/orbapi/bookings/{bookingId}/uplink-files")
def list_uplink_files(bookingId: BookingId, principal: Principal = caller()) -> dict:  # noqa: N803
    b = owned(bookingId, principal)
    return {"bookingId": b.id, "missionId": b.id, "files": [file_view(f) for f in service().listing(b, "uplink")]}


@app.get("/orbapi/bookings/{bookingId}/downlink-files")
def list_downlink_files(bookingId: BookingId, principal: Principal = caller()) -> dict:  # noqa: N803
    b = owned(bookingId, principal)
    return {"bookingId": b.id, "missionId": b.id, "files": [file_view(f) for f in service().listing(b, "downlink")]}
