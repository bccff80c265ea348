"""What the ledger's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from shared.domain.catalog.models import Satellite, Spacecraft, Station
from shared.domain.events.models import Event
from shared.domain.files.models import FileRecord
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, Reservation
from shared.domain.scheduling import PassWindow


@dataclass(frozen=True)
class Change:
    """A booking to store together with what its change causes, all in one write: file records (each as read
    and as to be stored; written only if still as read) and the events describing the change (the outbox)."""

    booking: Booking
    files: Sequence[tuple[FileRecord, FileRecord]] = ()
    events: Sequence[Event] = ()


# Returns the changed booking (or a Change) to store, or None when there is nothing to change (a retry, a late
# or duplicated timer).
Transform = Callable[[Booking], Booking | Change | None]


class LedgerStore(Protocol):
    """The reservations, with non-overlap enforced by the store itself (atomically, under concurrency)."""

    def next_ids(self, counter: str, count: int = 1) -> list[int]: ...

    def reserve(self, booking: Booking, files: Sequence[FileRecord] = (), events: Sequence[Event] = ()) -> None:
        """Reserve every slot of ``booking`` and store it with ``files`` and ``events``, all or nothing. Raises
        ``SlotTaken`` when a window overlaps another reservation of its station, ``Conflict`` when the id exists
        with another record. Reserving the identical booking again succeeds and changes nothing (a retried
        write)."""
        ...

    def update(self, booking_id: int, transform: Transform) -> Booking | None:
        """Store ``transform(current)`` if the booking did not change since it was read (else re-read and
        re-apply); the reserved windows of slots that became ``Cancelled`` are freed, and a ``Change``'s files
        and events stored, in the same write. Returns the stored booking, the current one when ``transform``
        returned None, None if unknown."""
        ...

    def scheduled(self, since: datetime | None = None, until: datetime | None = None,
                  limit: int | None = None) -> list[Booking]:
        """The bookings time will move (``due_at`` set) with ``since < due_at <= until`` (either bound open), in
        ``due_at`` order, at most ``limit``. Read from the time index: a booking changed a moment ago may show
        as it was (callers re-check through ``update``)."""
        ...

    def get(self, booking_id: int) -> Booking | None: ...

    def list_by_owner(self, owner: str) -> list[Booking]: ...

    def reservations(self, gs_id: str, start: datetime, end: datetime) -> list[Reservation]:
        """The station's reserved windows overlapping [start, end), in start order."""
        ...


class CatalogReader(Protocol):
    """The catalogue as the ledger reads it."""

    def get_satellite(self, norad_id: int) -> Satellite | None: ...

    def get_station(self, gs_id: str) -> Station | None: ...

    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None: ...


class SpacecraftDirectory(Protocol):
    def spacecraft(self, spacecraft_id: str, principal: Principal) -> Spacecraft:
        """The caller's spacecraft registration; NotFound when unknown or someone else's."""
        ...


class PassPredictor(Protocol):
    def passes_over(self, satellite: Satellite, station: Station, start: datetime,
                    end: datetime) -> list[PassWindow]:
        """Passes of the satellite over the station above the station's mask, around [start, end]."""
        ...


class FileMatcher(Protocol):
    def match(self, f: FileRecord) -> FileRecord:
        """Verify a new uplink file against its object if the object arrived first."""
        ...

    def listing(self, booking: Booking, direction: Literal["uplink", "downlink"]) -> list[FileRecord]:
        """The booking's files of one direction, in id order."""
        ...


class StationRules(Protocol):
    """What the station registry says about reserving a station (``shared.domain.stations.registry_rules``)."""

    def check_reservation(self, gs_id: str, norad_id: int, owner: str, start: datetime, end: datetime,
                          field: str) -> None:
        """Refuse a new reservation: ``Conflict`` (maintenance, an unavailability window), ``InvalidField(field)``
        (no antenna receives the satellite)."""
        ...

    def blocked(self, gs_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
        """The parts of [start, end] the station cannot be reserved, with why."""
        ...

    def mask(self, gs_id: str) -> tuple[list[float], list[float]] | None:
        """The station's horizon mask (azimuths, minimum elevations), None without one."""
        ...
