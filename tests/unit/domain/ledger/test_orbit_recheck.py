"""``LedgerService.recheck_orbits`` on the in-memory stores with a scripted predictor: one read of the time index
for any number of satellites, only future reservations of those satellites, REVIEW naming the new pass and its
shift, unchanged inside the pass, CONFIRMED again, FAIL when the window begins under review, the deadline."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.ledger import MemoryLedgerStore
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.lifecycle import Lifecycle
from shared.domain.ledger.models import contact_state
from shared.domain.ledger.service import BookingRequest, LedgerService, SlotRequest
from shared.domain.scheduling import PassWindow
from tests.unit.domain.ledger.test_ledger_service import NOW, PASS, Catalog, Registrations

ALICE = Principal("alice")


class MovablePass:
    """One pass over every station, shifted by ``shift_s`` (what a new element set would predict)."""

    def __init__(self) -> None:
        self.shift_s = 0.0
        self.calls = 0

    def passes_over(self, satellite, station, start, end):
        self.calls += 1
        return [PassWindow(PASS[0].timestamp() + self.shift_s, PASS[1].timestamp() + self.shift_s, 40.0)]


class CountingStore(MemoryLedgerStore):
    def __init__(self, files: MemoryFileStore) -> None:
        super().__init__(files)
        self.scheduled_reads = 0

    def scheduled(self, since=None, until=None, limit=None):
        self.scheduled_reads += 1
        return super().scheduled(since, until, limit)


class Clock:
    now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def world():
    catalog = Catalog()
    tle = ElementSetRecord(norad_id=43013, line1="1", line2="2", epoch=NOW, uploaded_at=NOW)
    catalog.satellites[43013] = Satellite(norad_id=43013, name="NOAA 20", tle=tle)
    files = MemoryFileStore()
    store = CountingStore(files)
    clock = Clock()
    passes = MovablePass()
    ledger = LedgerService(store, catalog, passes, Registrations(catalog), FileService(files, store, clock), clock,
                           lifecycle=Lifecycle())
    return ledger, store, passes, clock


def book(ledger, norad_id=25544, gs="1", a=PASS[0] + timedelta(minutes=2), b=PASS[1] - timedelta(minutes=2)):
    booking, _ = ledger.book(BookingRequest(norad_id, "data", [SlotRequest(gs, a, b)]), ALICE)
    return booking


def test_a_moved_pass_sends_the_window_to_review_and_a_small_shift_changes_nothing(world):
    ledger, store, passes, clock = world
    iss, noaa = book(ledger, gs="1"), book(ledger, norad_id=43013, gs="2")
    passes.shift_s = 5.0
    report = ledger.recheck_orbits([25544], NOW)
    assert (report.checked, report.review, report.confirmed) == (1, [], [])
    assert store.get(iss.id) == iss  # inside the pass still: not even rewritten

    passes.shift_s = 240.0
    report = ledger.recheck_orbits([25544], NOW + timedelta(seconds=1))
    assert report.review == [iss.id] and store.get(noaa.id) == noaa  # the other satellite is not touched
    moved = store.get(iss.id)
    assert (moved.status, contact_state(moved), moved.slots[0].status) == ("Review", "REVIEW", "Review")
    new_rise = (PASS[0] + timedelta(seconds=240)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert f"the new pass is {new_rise}–" in moved.state_msg and "shifted +240 s from the pass" in moved.state_msg
    assert "element set of epoch 2027-03-01T12:00:00.000Z" in moved.state_msg
    assert moved.updated_at == NOW + timedelta(seconds=1) and moved.due_at == moved.slots[0].start
    [event] = [e.detail for e in store.outbox.pending(100) if e.detail["bookingId"] == iss.id][-1:]
    assert (event["previousState"], event["state"], event["status"]) == ("CONFIRMED", "REVIEW", "Review")

    again = ledger.recheck_orbits([25544], NOW + timedelta(seconds=2))  # the same set again: nothing new
    assert again.review == [] and store.get(iss.id) == moved

    passes.shift_s = 0.0
    back = ledger.recheck_orbits([25544], NOW + timedelta(seconds=3))
    restored = store.get(iss.id)
    assert back.confirmed == [iss.id] and (restored.status, contact_state(restored)) == ("Confirmed", "CONFIRMED")
    assert restored.slots[0].status == "Pending" and "inside a pass" in restored.state_msg


def test_a_window_that_begins_under_review_fails(world):
    ledger, store, passes, clock = world
    b = book(ledger)
    passes.shift_s = 600.0
    ledger.recheck_orbits([25544], NOW)
    ledger.tick(b.slots[0].start)
    failed = store.get(b.id)
    assert (failed.status, contact_state(failed)) == ("Failed", "FAIL")
    assert failed.state_msg.startswith("the window began at") and "while under review" in failed.state_msg
    assert failed.due_at is None


def test_only_future_reservations_are_rechecked_with_one_index_read_for_a_bulk_import(world):
    ledger, store, passes, clock = world
    started = book(ledger, gs="1", a=PASS[0], b=PASS[0] + timedelta(minutes=3))
    future = [book(ledger, gs=gs) for gs in ("2",)]
    ledger.tick(PASS[0] + timedelta(seconds=1))  # the first has begun
    passes.shift_s = 600.0
    store.scheduled_reads = 0
    bulk = list(range(1, 30_001))  # a 30,000-set import: one call
    t0 = time.perf_counter()
    report = ledger.recheck_orbits(bulk, PASS[0] + timedelta(seconds=1))
    elapsed = time.perf_counter() - t0
    assert store.scheduled_reads == 1 and report.checked == 1
    assert report.review == [f.id for f in future] and store.get(started.id).status == "InProgress"
    assert elapsed < 1.0, elapsed


def test_the_recheck_stops_at_its_deadline_and_counts_what_it_left(world):
    ledger, store, passes, clock = world
    for gs in ("1", "2"):
        book(ledger, gs=gs)
    passes.shift_s = 600.0
    report = ledger.recheck_orbits([25544], NOW, deadline_s=0.0)
    assert report.checked + report.unchecked == 2 and report.unchecked >= 1
