"""Bookings: reserve pass windows on the antenna-time ledger (seed 001)."""

from __future__ import annotations

from datetime import timedelta

from functions.orbapi_bookings.models import BookingRequest
from functions.orbapi_passes.models import MAX_DAYS
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.ledger import LedgerRepository
from shared.domain.errors import Conflict, InvalidRequest, NotFound
from shared.domain.files.models import file_view, key_problem
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, Slot, UplinkFile
from shared.scheduling.passes import containing_pass, element_set_of, passes_over
from shared.timefmt import iso_ms, utcnow

BOOKING_HORIZON = timedelta(days=MAX_DAYS)  # as far ahead as pass search looks


def booking_view(b: Booking) -> dict:
    return {
        "id": b.id,
        "bookingId": b.id,
        "missionId": b.id,
        "ownerId": b.owner,
        "ownerType": b.owner_type,
        "noradId": str(b.norad_id),
        "type": b.type,
        "status": b.status,
        "requestedAt": iso_ms(b.requested_at),
        "updatedAt": iso_ms(b.updated_at),
        "slots": [
            {"id": s.id, "missionId": b.id, "gsId": s.gs_id, "start": iso_ms(s.start), "end": iso_ms(s.end),
             "status": s.status}
            for s in b.slots
        ],
    }


class Bookings:
    def __init__(self, catalog: CatalogRepository, ledger: LedgerRepository) -> None:
        self.catalog = catalog
        self.ledger = ledger

    def _check_slots_inside_passes(self, req: BookingRequest) -> None:
        sat = self.catalog.get_satellite(req.norad_cat_id)
        if sat is None:
            raise NotFound(f"satellite {req.norad_cat_id} not found")
        es = element_set_of(sat)
        now = utcnow()
        horizon = now + BOOKING_HORIZON
        for slot in req.slots:
            if slot.start < now:
                raise InvalidRequest(f"slots: slot {iso_ms(slot.start)}–{iso_ms(slot.end)} starts in the past")
            if slot.end > horizon:
                raise InvalidRequest(f"slots: slot {iso_ms(slot.start)}–{iso_ms(slot.end)} ends beyond the booking "
                                 f"horizon of {BOOKING_HORIZON.days} days ({iso_ms(horizon)}): predictions that far "
                                 "ahead are not reliable")
            station = self.catalog.get_station(slot.gs_id)
            if station is None:
                raise NotFound(f"ground station {slot.gs_id} not found")
            start_s, end_s = slot.start.timestamp(), slot.end.timestamp()
            windows = passes_over(es, station, start_s, end_s)
            if containing_pass(windows, start_s, end_s) is None:
                near = min(windows, key=lambda w: abs(w.rise_unix_s - start_s), default=None)
                hint = (f"; the nearest pass is {iso_ms(near.rise_unix_s)}–{iso_ms(near.set_unix_s)}"
                        if near else "; there is no pass within 3 hours")
                raise Conflict(
                    f"slot {iso_ms(slot.start)}–{iso_ms(slot.end)} at ground station {slot.gs_id} is not inside a "
                    f"predicted pass of satellite {req.norad_cat_id} above {station.min_elevation_deg:g}°{hint}"
                )

    def create(self, req: BookingRequest, principal: Principal) -> dict:
        if req.uplinkFile is not None:
            problem = key_problem(req.uplinkFile.key, principal.subject)
            if problem:
                raise InvalidRequest(f"uplinkFile.{problem}")
        self._check_slots_inside_passes(req)
        now = utcnow()
        [booking_id] = self.ledger.next_ids("booking")
        slot_ids = self.ledger.next_ids("slot", len(req.slots))
        files = []
        if req.uplinkFile is not None:
            [file_id] = self.ledger.next_ids("file")
            files.append(UplinkFile(id=file_id, booking_id=booking_id, s3_key=req.uplinkFile.key,
                                    sha256=req.uplinkFile.sha256.lower() if req.uplinkFile.sha256 else None,
                                    created_at=now, updated_at=now))
        booking = Booking(
            id=booking_id, owner=principal.subject, owner_type=principal.owner_type, norad_id=req.norad_cat_id,
            type=req.type, requested_at=now, updated_at=now, uplink_files=files,
            slots=[Slot(id=i, gs_id=s.gs_id, start=s.start, end=s.end)
                   for i, s in zip(slot_ids, req.slots, strict=True)],
        )
        self.ledger.reserve(booking)
        return {"status": "success", "bookingId": booking.id, "missionId": booking.id,
                "uplinkFile": file_view(files[0]) if files else None}

    def _owned(self, booking_id: int, principal: Principal) -> Booking:
        b = self.ledger.get_booking(booking_id)
        if b is None or not principal.can_see(b.owner):
            raise NotFound(f"booking {booking_id} not found")  # someone else's: 404, never 403
        return b

    def list(self, principal: Principal) -> dict:
        bookings = sorted(self.ledger.list_bookings(principal.subject), key=lambda b: b.id, reverse=True)
        return {"bookings": [booking_view(b) for b in bookings if b.source == "orbapi"]}

    def cancel(self, booking_id: int, principal: Principal) -> dict:
        b = self._owned(booking_id, principal)

        def cancelled(current: Booking) -> Booking | None:
            if current.status == "Cancelled":
                return None  # a retried cancel changes nothing
            return current.model_copy(update={
                "status": "Cancelled", "updated_at": utcnow(),
                "slots": [s.model_copy(update={"status": "Cancelled"}) for s in current.slots],
            })

        self.ledger.cancel(b.id, cancelled)
        return {"status": "success", "message": "Booking cancelled successfully", "bookingId": b.id,
                "missionId": b.id}
