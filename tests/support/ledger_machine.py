"""Hypothesis stateful model of the antenna-time ledger, run against any ``LedgerStore``: random book / cancel /
rebook sequences never leave two overlapping reservations on one station, a booking succeeds exactly when its
windows are free, and cancelled windows become bookable again."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from shared.domain.ledger.errors import SlotTaken
from shared.domain.ledger.models import Booking, Slot
from shared.domain.ledger.ports import LedgerStore

T0 = datetime(2027, 1, 1, tzinfo=UTC)
STATIONS = ("1", "2")
slots = st.lists(
    st.tuples(st.sampled_from(STATIONS), st.integers(0, 240), st.integers(1, 40)), min_size=1, max_size=3
).filter(
    lambda xs: all(  # a single booking's own slots never overlap (the API refuses that with 400)
        not (a[0] == b[0] and a[1] < b[1] + b[2] and b[1] < a[1] + a[2])
        for i, a in enumerate(xs) for b in xs[i + 1:]
    )
)


def overlaps(a, b) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


class LedgerMachine(RuleBasedStateMachine):
    bookings = Bundle("bookings")

    open_store: Callable[[], tuple[LedgerStore, Callable[[], None]]]  # a fresh store and how to close it

    def __init__(self) -> None:
        super().__init__()
        self.ledger, self._close = type(self).open_store()
        self.model: dict[int, list[tuple[str, datetime, datetime]]] = {}  # active bookings' windows

    def teardown(self) -> None:
        self._close()

    def _booking(self, spec) -> Booking:
        [bid] = self.ledger.next_ids("booking")
        ids = self.ledger.next_ids("slot", len(spec))
        now = datetime.now(UTC)
        return Booking(id=bid, owner="o", owner_type="user", norad_id=1, type="data", requested_at=now,
                       updated_at=now, slots=[
                           Slot(id=i, gs_id=gs, start=T0 + timedelta(minutes=m), end=T0 + timedelta(minutes=m + d))
                           for i, (gs, m, d) in zip(ids, spec, strict=True)])

    @rule(target=bookings, spec=slots)
    def book(self, spec):
        booking = self._booking(spec)
        wanted = [(s.gs_id, s.start, s.end) for s in booking.slots]
        free = not any(overlaps(w, t) for w in wanted for ws in self.model.values() for t in ws)
        try:
            self.ledger.reserve(booking)
            accepted = True
        except SlotTaken:
            accepted = False
        assert accepted == free, (wanted, self.model)
        if accepted:
            self.model[booking.id] = wanted
            return booking.id
        return None

    @rule(booking_id=consumes(bookings))
    def cancel(self, booking_id):
        if booking_id is None:
            return
        def cancelled(b):
            return b.model_copy(update={"status": "Cancelled",
                                        "slots": [s.model_copy(update={"status": "Cancelled"}) for s in b.slots]})

        self.ledger.update(booking_id, cancelled)
        windows = self.model.pop(booking_id)
        # the freed windows are bookable again at once
        for gs, start, end in windows:
            assert self.ledger.reservations(gs, start, end) == [] or any(
                overlaps((gs, start, end), t) for ws in self.model.values() for t in ws)
        assert self.ledger.get(booking_id).status == "Cancelled"

    @invariant()
    def no_two_reservations_overlap(self):
        if not hasattr(self, "ledger"):
            return
        for gs in STATIONS:
            rows = self.ledger.reservations(gs, T0 - timedelta(days=1), T0 + timedelta(days=2))
            rows.sort(key=lambda w: w.start)
            for a, b in zip(rows, rows[1:], strict=False):
                assert a.end <= b.start, (a, b)
            expected = sorted((s, e) for ws in self.model.values() for g, s, e in ws if g == gs)
            assert [(w.start, w.end) for w in rows] == expected




def machine_test(open_store: Callable[[], tuple[LedgerStore, Callable[[], None]]], max_examples: int,
                 steps: int = 15) -> type:
    """A pytest TestCase running the machine on stores from ``open_store``."""
    machine = type("Machine", (LedgerMachine,), {"open_store": staticmethod(open_store)})
    machine.TestCase.settings = settings(max_examples=max_examples, stateful_step_count=steps, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    return machine.TestCase
