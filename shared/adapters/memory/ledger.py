"""The ledger in memory: one lock makes every reservation check-and-write atomic, as the DynamoDB store's
conditional transaction does."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from shared.adapters.memory.files import MemoryFileStore
from shared.domain.errors import Conflict
from shared.domain.files.models import FileRecord
from shared.domain.ledger.errors import SlotTaken, check_windows
from shared.domain.ledger.models import Booking, Reservation, Window
from shared.domain.ledger.policy import MAX_WINDOW
from shared.domain.ledger.ports import Transform


class MemoryLedgerStore:
    def __init__(self, files: MemoryFileStore | None = None) -> None:
        self._lock = threading.RLock()
        self._counters: dict[str, int] = defaultdict(int)
        self._bookings: dict[int, Booking] = {}
        self._reservations: dict[str, list[Reservation]] = defaultdict(list)
        self.files = files

    def next_ids(self, counter: str, count: int = 1) -> list[int]:
        with self._lock:
            self._counters[counter] += count
            last = self._counters[counter]
        return list(range(last - count + 1, last + 1))

    def reservations(self, gs_id: str, start: datetime, end: datetime) -> list[Reservation]:
        with self._lock:
            found = [r for r in self._reservations[gs_id] if r.start < end and start < r.end]
        return sorted(found, key=lambda r: (r.start, r.booking_id, r.slot_id))

    def get(self, booking_id: int) -> Booking | None:
        with self._lock:
            return self._bookings.get(booking_id)

    def list_by_owner(self, owner: str) -> list[Booking]:
        with self._lock:
            return [b for b in self._bookings.values() if b.owner == owner]

    def reserve(self, booking: Booking, files: Sequence[FileRecord] = ()) -> None:
        check_windows(booking.windows(), MAX_WINDOW.total_seconds())
        with self._lock:
            if self._bookings.get(booking.id) == booking:
                return  # the identical booking again (a retry whose first answer was lost): already done
            for w in booking.windows():
                taken = self.reservations(w.gs_id, w.start, w.end)
                if taken:
                    t = taken[0]
                    raise SlotTaken(w, Window(gs_id=t.gs_id, start=t.start, end=t.end))
            if booking.id in self._bookings:
                raise Conflict(f"booking {booking.id} already exists")
            if files and self.files is None:
                raise RuntimeError("this ledger was built without a file store")
            if self.files is not None and any(self.files.get(f.booking_id, f.id) for f in files):
                raise Conflict(f"booking {booking.id} already exists")
            for s in booking.slots:
                self._reservations[s.gs_id].append(Reservation(gs_id=s.gs_id, booking_id=booking.id, slot_id=s.id,
                                                               start=s.start, end=s.end))
            for f in files:
                assert self.files is not None
                self.files.create(f)
            self._bookings[booking.id] = booking

    def update(self, booking_id: int, transform: Transform) -> Booking | None:
        with self._lock:
            current = self._bookings.get(booking_id)
            if current is None:
                return None
            updated = transform(current)
            if updated is None:
                return current
            was_live = {s.id for s in current.slots if s.status != "Cancelled"}
            freed = {(s.gs_id, s.id) for s in updated.slots if s.status == "Cancelled" and s.id in was_live}
            for gs, slot_id in freed:
                self._reservations[gs] = [r for r in self._reservations[gs]
                                          if not (r.booking_id == booking_id and r.slot_id == slot_id)]
            self._bookings[booking_id] = updated
            return updated
