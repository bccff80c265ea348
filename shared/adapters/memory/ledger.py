"""The ledger in memory: one lock makes every reservation check-and-write atomic, as the DynamoDB store's
conditional transaction does; the file store's and the outbox's locks are held with it while a change writes
its files and events, so they exist exactly when the change does."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime

from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.outbox import MemoryEventOutbox
from shared.domain.errors import Conflict
from shared.domain.events.models import Event
from shared.domain.files.models import FileRecord
from shared.domain.ledger.errors import SlotTaken, check_windows
from shared.domain.ledger.models import Booking, Reservation, Window
from shared.domain.ledger.policy import MAX_WINDOW
from shared.domain.ledger.ports import Change, Transform


class MemoryLedgerStore:
    def __init__(self, files: MemoryFileStore | None = None, outbox: MemoryEventOutbox | None = None) -> None:
        self._lock = threading.RLock()
        self.outbox = outbox or MemoryEventOutbox()
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

    @contextmanager
    def _write(self) -> Iterator[None]:
        """The ledger's lock with the file store's and the outbox's: one write across the three."""
        with ExitStack() as stack:
            stack.enter_context(self._lock)
            if self.files is not None:
                stack.enter_context(self.files.lock())
            stack.enter_context(self.outbox.lock)
            yield

    def scheduled(self, since: datetime | None = None, until: datetime | None = None,
                  limit: int | None = None) -> list[Booking]:
        with self._lock:
            found = [b for b in self._bookings.values() if b.due_at is not None
                     and (since is None or b.due_at > since) and (until is None or b.due_at <= until)]
        found.sort(key=lambda b: (b.due_at, b.id))
        return found[:limit] if limit is not None else found

    def reserve(self, booking: Booking, files: Sequence[FileRecord] = (), events: Sequence[Event] = ()) -> None:
        check_windows(booking.windows(), MAX_WINDOW.total_seconds())
        with self._write():
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
            self.outbox.add(events)

    def update(self, booking_id: int, transform: Transform) -> Booking | None:
        with self._write():
            current = self._bookings.get(booking_id)
            if current is None:
                return None
            result = transform(current)
            if result is None:
                return current
            change = result if isinstance(result, Change) else Change(result)
            updated = change.booking
            if change.files:
                if self.files is None:
                    raise RuntimeError("this ledger was built without a file store")
                if any(self.files.get(old.booking_id, old.id) != old for old, _ in change.files):
                    raise RuntimeError("a file changed while its lock was held")  # cannot happen: one lock
                for old, new in change.files:
                    self.files.replace(old, new)
            was_live = {s.id for s in current.slots if s.status != "Cancelled"}
            freed = {(s.gs_id, s.id) for s in updated.slots if s.status == "Cancelled" and s.id in was_live}
            for gs, slot_id in freed:
                self._reservations[gs] = [r for r in self._reservations[gs]
                                          if not (r.booking_id == booking_id and r.slot_id == slot_id)]
            self._bookings[booking_id] = updated
            self.outbox.add(change.events)
            return updated
