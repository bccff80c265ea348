"""The ledger's policies: how far ahead reservations may be made, and who may cancel what, when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.domain.errors import Conflict, DomainError, InvalidRequest, NotFound
from shared.domain.ledger.models import Booking, BookingStatus, Source, contact_state

# Pass predictions further ahead than this are not reliable: pass search looks this far, bookings and
# contacts end within it, and the station broker lists every reservation inside it.
PREDICTION_HORIZON = timedelta(days=14)
MAX_WINDOW = timedelta(days=1)  # longest single reservation (bounds the store's overlap query)


def booking_horizon(now: datetime, registered_days: int | None = None) -> datetime:
    """The end of the booking horizon: the prediction horizon, or a spacecraft registration's shorter one."""
    days = PREDICTION_HORIZON if registered_days is None else min(PREDICTION_HORIZON, timedelta(days=registered_days))
    return now + days


@dataclass(frozen=True)
class CancelPolicy:
    """What a surface lets its callers cancel — reservations in one of ``cancellable`` statuses and, when
    ``before_start``, only while they have not begun — and how its refusals name things (``refused``: the
    error a refusal raises)."""

    source: Source  # the API whose reservations these are: another API's are not found
    cancellable: tuple[BookingStatus, ...]
    before_start: bool
    noun: str  # "booking {id}"
    missing: str  # "{noun} not found"
    verb: str = "cancelled"
    state: Callable[[Booking], str] = lambda b: b.status
    refused: Callable[[str], DomainError] = InvalidRequest

    def refusal(self, booking: Booking, now: datetime) -> Literal["status", "started"] | None:
        """Why ``booking`` may not be cancelled now: its status, or its start having passed (None: it may)."""
        if booking.status not in self.cancellable:
            return "status"
        if self.before_start and min(s.start for s in booking.slots) <= now:
            return "started"
        return None

    def name(self, booking_id: int | str) -> str:
        return self.noun.format(id=booking_id)

    def not_found(self, booking_id: int | str) -> NotFound:
        return NotFound(self.missing.format(noun=self.name(booking_id)))


BEFORE_START: tuple[BookingStatus, ...] = ("Pending", "Confirmed", "Review")
# orbapi (seed 001): a booking that has not begun may be cancelled; one that started, ended or failed is refused
# with 409 naming its status.
ORBAPI_CANCEL = CancelPolicy(source="orbapi", cancellable=BEFORE_START, before_start=True, noun="booking {id}",
                             missing="{noun} not found", refused=Conflict)
# Space Go (seed 000): only a contact that has not started may be deleted; a refusal is a 400 naming its state.
SPACEGO_CANCEL = CancelPolicy(source="spacego", cancellable=BEFORE_START, before_start=True,
                              noun="contact '{id}'", missing="{noun} does not exist", verb="deleted",
                              state=contact_state)
