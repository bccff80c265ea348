"""orbapi uplink and downlink file metadata (seed 001)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking
from shared.domain.ledger.policy import ORBAPI_CANCEL
from shared.domain.ledger.service import LedgerService
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.files_schema import FileAttached, FileList, UplinkFileRequest, file_view
from shared.wiring import ledger as wiring

router = APIRouter(tags=["File Metadata"])

BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]
Ledger = Annotated[LedgerService, Depends(wiring.ledger_service)]
Files = Annotated[FileService, Depends(wiring.file_service)]


def _owned(ledger: LedgerService, booking_id: int, principal: Principal) -> Booking:
    b = ledger.owned(booking_id, principal, "orbapi")
    if b is None:
        raise ORBAPI_CANCEL.not_found(booking_id)  # someone else's: 404, never 403
    return b


@router.post("/orbapi/bookings/{bookingId}/uplink-files", status_code=201, response_model=FileAttached,
             summary="Attach Uplink File After Booking", responses=error_responses("orbapi", 400, 401, 403, 404, 409))
def attach_uplink_file(bookingId: BookingId, request: UplinkFileRequest, ledger: Ledger, files: Files,  # noqa: N803
                       principal: Principal = caller("bookings:create")) -> FileAttached:
    b = _owned(ledger, bookingId, principal)
    f = files.attach(b, request.key, request.sha256)
    return FileAttached(status="success", bookingId=b.id, missionId=b.id, uplinkFile=file_view(f))


@router.get("/orbapi/bookings/{bookingId}/uplink-files", response_model=FileList, summary="List Uplink Files",
            responses=error_responses("orbapi", 400, 401, 404))
def list_uplink_files(bookingId: BookingId, ledger: Ledger, files: Files,  # noqa: N803
                      principal: Principal = caller()) -> FileList:
    b = _owned(ledger, bookingId, principal)
    return FileList(bookingId=b.id, missionId=b.id, files=[file_view(f) for f in files.listing(b, "uplink")])


@router.get("/orbapi/bookings/{bookingId}/downlink-files", response_model=FileList, summary="List Downlink Files",
            responses=error_responses("orbapi", 400, 401, 404))
def list_downlink_files(bookingId: BookingId, ledger: Ledger, files: Files,  # noqa: N803
                        principal: Principal = caller()) -> FileList:
    b = _owned(ledger, bookingId, principal)
    return FileList(bookingId=b.id, missionId=b.id, files=[file_view(f) for f in files.listing(b, "downlink")])
