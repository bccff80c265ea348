"""The reservation lifecycle on the in-memory stores with an injectable clock: every transition, late and
duplicated timers, a cancel racing the start, a report racing the grace period's end, the uplink files' outcome
and the events written with each change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.ledger import MemoryLedgerStore
from shared.adapters.memory.stations import MemoryHeartbeatStore
from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.events.models import FILE_STATE_CHANGE, RESERVATION_STATE_CHANGE
from shared.domain.files.models import ObjectState
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.lifecycle import Lifecycle
from shared.domain.ledger.models import Booking, contact_state
from shared.domain.ledger.policy import ORBAPI_CANCEL, SPACEGO_CANCEL
from shared.domain.ledger.service import BookingRequest, ContactRequest, LedgerService, SlotRequest, UplinkRequest
from shared.domain.stations.service import ContactReport, StationService
from tests.unit.domain.ledger.test_ledger_service import NOW, PASS, Catalog, OnePass, Registrations

ALICE = Principal("alice")
STATION_1 = Principal("station-1", scopes=("station",))
STATION_2 = Principal("station-2", scopes=("station",))
GRACE = timedelta(minutes=10)
SHA = "a" * 64


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class World:
    def __init__(self) -> None:
        self.clock = Clock()
        self.catalog = Catalog()
        self.files = MemoryFileStore()
        self.store = MemoryLedgerStore(self.files)
        self.file_service = FileService(self.files, self.store, self.clock)
        self.lifecycle = Lifecycle(report_grace=GRACE)
        self.ledger = LedgerService(self.store, self.catalog, OnePass(), Registrations(self.catalog),
                                    self.file_service, self.clock, lifecycle=self.lifecycle)
        self.stations = StationService(self.catalog, self.store, MemoryHeartbeatStore(), self.file_service,
                                       clock=self.clock, lifecycle=self.lifecycle)

    def at(self, t: datetime) -> World:
        self.clock.now = t
        return self

    def get(self, booking_id: int) -> Booking:
        b = self.store.get(booking_id)
        assert b is not None
        return b

    def events(self, detail_type: str = RESERVATION_STATE_CHANGE) -> list[dict]:
        return [e.detail for e in self.store.outbox.pending(10_000) if e.detail_type == detail_type]

    def contact(self) -> Booking:
        return self.ledger.book_contact(ContactRequest(spacecraft_id="sc-iss", site_id="1", service_id="svc-s",
                                                       start=PASS[0], end=PASS[1]), ALICE)

    def booking_with_file(self, *slots: SlotRequest) -> Booking:
        b, f = self.ledger.book(BookingRequest(25544, "data", list(slots) or [SlotRequest("1", *PASS)],
                                               UplinkRequest("clients/alice/u.bin", SHA)), ALICE)
        assert f is not None
        self.file_service.on_uplink_object(ObjectState(bucket="uplink", key=f.s3_key, order="1", sha256=SHA, size=3))
        assert self.files.get(b.id, f.id).status == "available"
        return b


@pytest.fixture
def world() -> World:
    return World()


def _states(world: World, booking_id: int) -> list[tuple[str | None, str, str | None, str]]:
    return [(d["previousState"], d["state"], d["previousStatus"], d["status"]) for d in world.events()
            if d["bookingId"] == booking_id]


def test_a_contact_walks_confirmed_ongoing_post_contact_success(world):
    c = world.contact()
    assert contact_state(c) == "CONFIRMED" and c.state_msg == "site 1 reserved" and c.due_at == PASS[0]
    assert world.at(PASS[0] - timedelta(seconds=1)).ledger.tick().moved == 0  # not yet due

    world.at(PASS[0] + timedelta(seconds=5)).ledger.tick()
    ongoing = world.get(c.id)
    assert contact_state(ongoing) == "ONGOING" and ongoing.status == "InProgress"
    assert ongoing.updated_at == PASS[0] + timedelta(seconds=5) and ongoing.due_at == PASS[1]
    assert ongoing.state_msg.startswith("the window at ground station 1 began at ")

    assert world.ledger.tick().moved == 0  # a duplicated timer changes nothing
    assert world.get(c.id) == ongoing

    world.at(PASS[1]).ledger.tick()
    post = world.get(c.id)
    assert contact_state(post) == "POST_CONTACT" and post.status == "AwaitingReport"
    assert post.due_at == PASS[1] + GRACE and "report is awaited until" in post.state_msg

    world.at(PASS[1] + timedelta(minutes=2))
    done, _ = world.stations.report(c.id, ContactReport(status="completed", message="all frames"), STATION_1)
    assert contact_state(done) == "SUCCESS" and done.state_msg == "all frames" and done.due_at is None
    assert done.updated_at == PASS[1] + timedelta(minutes=2)
    assert world.at(PASS[1] + GRACE * 3).ledger.tick().seen == 0  # out of the time index: nothing left to move
    assert world.get(c.id) == done

    assert _states(world, c.id) == [
        (None, "CONFIRMED", None, "Pending"),
        ("CONFIRMED", "ONGOING", "Pending", "InProgress"),
        ("ONGOING", "POST_CONTACT", "InProgress", "AwaitingReport"),
        ("POST_CONTACT", "SUCCESS", "AwaitingReport", "Completed"),
    ]
    last = world.events()[-1]
    assert last["api"] == "spacego" and last["gsIds"] == ["1"] and last["noradId"] == 25544
    assert last["owner"] == "alice" and last["reason"] == "all frames" and last["contactId"] == str(c.id)


def test_partial_report_is_partial_success_and_consumes_the_offered_file(world):
    b = world.booking_with_file()
    world.at(PASS[0] + timedelta(minutes=1)).ledger.tick()
    done, _ = world.stations.report(b.id, ContactReport(status="partial"), STATION_1)
    assert (done.status, contact_state(done)) == ("Completed", "PARTIAL_SUCCESS")
    assert done.state_msg == "ground station 1 reported the contact partial"
    [f] = world.files.list(b.id)
    assert f.status == "consumed" and f.updated_at == PASS[0] + timedelta(minutes=1)
    [fe] = world.events(FILE_STATE_CHANGE)
    assert (fe["previousState"], fe["state"], fe["fileId"], fe["bookingId"]) == ("available", "consumed", f.id, b.id)


def test_no_report_within_the_grace_period_is_fail_and_the_file_fails_with_the_reason(world):
    b = world.booking_with_file()
    world.at(PASS[0]).ledger.tick()
    world.at(PASS[1] + GRACE - timedelta(seconds=1)).ledger.tick()
    assert world.get(b.id).status == "AwaitingReport"
    world.at(PASS[1] + GRACE).ledger.tick()
    failed = world.get(b.id)
    assert (failed.status, contact_state(failed)) == ("Failed", "FAIL")
    assert failed.state_msg == (f"no report from ground station 1 within 10 min of the window's end at "
                                f"{PASS[1].strftime('%Y-%m-%dT%H:%M:%S.000Z')}")
    [f] = world.files.list(b.id)
    assert f.status == "failed" and f.reason == f"the contact failed: {failed.state_msg}"
    with pytest.raises(Conflict, match="already Failed: no report from ground station 1"):
        world.stations.report(b.id, ContactReport(status="completed"), STATION_1)
    assert _states(world, b.id)[-2:] == [("ONGOING", "POST_CONTACT", "InProgress", "AwaitingReport"),
                                        ("POST_CONTACT", "FAIL", "AwaitingReport", "Failed")]


def test_a_very_late_timer_moves_straight_to_fail_in_one_write(world):
    c = world.contact()
    world.at(PASS[1] + GRACE + timedelta(hours=1)).ledger.tick()
    assert contact_state(world.get(c.id)) == "FAIL"
    assert _states(world, c.id) == [(None, "CONFIRMED", None, "Pending"), ("CONFIRMED", "FAIL", "Pending", "Failed")]


def test_a_report_before_the_timer_ran_still_moves_forward(world):
    c = world.contact()
    world.at(PASS[1] + timedelta(minutes=1))  # no sweep ran at all
    done, _ = world.stations.report(c.id, ContactReport(status="failed", message="antenna fault"), STATION_1)
    assert contact_state(done) == "FAIL" and done.state_msg == "antenna fault"
    assert _states(world, c.id)[-1] == ("CONFIRMED", "FAIL", "Pending", "Failed")
    assert world.at(PASS[1] + GRACE * 2).ledger.tick().moved == 0


def test_cancel_is_refused_once_started_naming_the_state_even_before_the_timer(world):
    c = world.contact()
    b, _ = world.ledger.book(BookingRequest(25544, "data", [SlotRequest("2", *PASS)]), ALICE)
    world.at(PASS[0] + timedelta(seconds=1))
    with pytest.raises(InvalidRequest, match=r"is ONGOING: it started at"):
        world.ledger.cancel(c.id, ALICE, SPACEGO_CANCEL)
    with pytest.raises(Conflict, match=r"booking \d+ is InProgress: it started at"):
        world.ledger.cancel(b.id, ALICE, ORBAPI_CANCEL)
    world.at(PASS[1] + GRACE).ledger.tick()
    with pytest.raises(Conflict, match=r"booking \d+ is Failed: it started at"):
        world.ledger.cancel(b.id, ALICE, ORBAPI_CANCEL)
    with pytest.raises(InvalidRequest, match=r"contact '\d+' is FAIL"):
        world.ledger.cancel(c.id, ALICE, SPACEGO_CANCEL)


def test_a_cancel_racing_the_start_either_wins_or_is_refused_never_both():
    for _ in range(25):
        world = World()
        c = world.at(NOW).contact()
        world.at(PASS[0] - timedelta(milliseconds=1))  # the cancel's clock: just before the start
        barrier = threading.Barrier(2)
        outcome: dict[str, object] = {}

        def cancel(booking_id=c.id, box=outcome, gate=barrier, w=world) -> None:
            gate.wait()
            try:
                box["cancel"] = w.ledger.cancel(booking_id, ALICE, SPACEGO_CANCEL)
            except InvalidRequest as exc:
                box["cancel"] = exc

        def tick(box=outcome, gate=barrier, w=world) -> None:
            gate.wait()
            box["tick"] = w.ledger.tick(now=PASS[0])

        threads = [threading.Thread(target=cancel), threading.Thread(target=tick)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final = world.get(c.id)
        history = [s for _, s, _, _ in _states(world, c.id)]
        if isinstance(outcome["cancel"], Booking):
            assert contact_state(final) == "CANCELLED" and history == ["CONFIRMED", "CANCELLED"]
        else:
            assert contact_state(final) == "ONGOING" and history == ["CONFIRMED", "ONGOING"]
            assert "is ONGOING" in str(outcome["cancel"])
        world.ledger.cancel(c.id, ALICE, SPACEGO_CANCEL) if final.status == "Cancelled" else None
        assert [s for _, s, _, _ in _states(world, c.id)] == history  # a retried cancel adds nothing


def test_a_report_racing_the_grace_expiry_has_one_outcome_and_files_follow_it():
    outcomes = set()
    for _ in range(25):
        world = World()
        b = world.at(NOW).booking_with_file()
        world.at(PASS[0]).ledger.tick()
        world.at(PASS[1]).ledger.tick()
        world.at(PASS[1] + GRACE - timedelta(milliseconds=1))  # the report's clock: just inside the grace period
        barrier = threading.Barrier(2)
        box: dict[str, object] = {}

        def report(booking_id=b.id, out=box, gate=barrier, w=world) -> None:
            gate.wait()
            try:
                out["report"] = w.stations.report(booking_id, ContactReport(status="completed"), STATION_1)[0]
            except Conflict as exc:
                out["report"] = exc

        def expire(out=box, gate=barrier, w=world) -> None:
            gate.wait()
            out["tick"] = w.ledger.tick(now=PASS[1] + GRACE)

        threads = [threading.Thread(target=report), threading.Thread(target=expire)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final = world.get(b.id)
        [f] = world.files.list(b.id)
        last = _states(world, b.id)[-1]
        if isinstance(box["report"], Booking):
            assert contact_state(final) == "SUCCESS" and f.status == "consumed"
            assert last == ("POST_CONTACT", "SUCCESS", "AwaitingReport", "Completed")
        else:
            assert contact_state(final) == "FAIL" and f.status == "failed" and "no report" in f.reason
            assert last == ("POST_CONTACT", "FAIL", "AwaitingReport", "Failed")
        assert len(_states(world, b.id)) == 4 and len([e for e in world.events(FILE_STATE_CHANGE)
                                                       if e["bookingId"] == b.id]) == 1
        outcomes.add(final.status)
    assert outcomes <= {"Completed", "Failed"}


def test_an_orbapi_booking_follows_its_slots(world):
    first = SlotRequest("1", PASS[0], PASS[0] + timedelta(minutes=4))
    second = SlotRequest("2", PASS[0] + timedelta(minutes=5), PASS[1])
    b = world.booking_with_file(first, second)
    world.at(PASS[0] + timedelta(minutes=4, seconds=30)).ledger.tick()
    mid = world.get(b.id)
    assert mid.status == "InProgress" and [s.status for s in mid.slots] == ["AwaitingReport", "Pending"]
    world.stations.report(b.id, ContactReport(status="completed"), STATION_1)
    assert world.get(b.id).status == "InProgress"  # the second window has not begun
    world.at(PASS[1]).ledger.tick()
    assert world.get(b.id).status == "AwaitingReport"
    world.at(PASS[1] + GRACE).ledger.tick()  # station 2 never reports
    done = world.get(b.id)
    assert [s.status for s in done.slots] == ["Completed", "Failed"]
    assert (done.status, contact_state(done)) == ("Completed", "PARTIAL_SUCCESS")
    assert world.files.list(b.id)[0].status == "consumed"
    assert [s for _, _, _, s in _states(world, b.id)] == ["Pending", "InProgress", "AwaitingReport", "Completed"]


def test_a_cancelled_reservation_leaves_the_time_index_and_late_timers_change_nothing(world):
    c = world.contact()
    gone = world.at(NOW + timedelta(seconds=1)).ledger.cancel(c.id, ALICE, SPACEGO_CANCEL)
    assert gone.due_at is None and world.store.scheduled() == []
    assert world.at(PASS[1] + GRACE).ledger.tick().seen == 0
    assert world.ledger.advance(c.id, PASS[1] + GRACE) == gone
    assert _states(world, c.id) == [(None, "CONFIRMED", None, "Pending"), ("CONFIRMED", "CANCELLED", "Pending",
                                                                            "Cancelled")]
    assert world.events()[-1]["reason"] == "deleted by alice"


def test_a_record_of_an_earlier_version_still_reads():
    old = {"id": 7, "owner": "alice", "owner_type": "user", "norad_id": 25544, "type": "contact",
           "status": "Completed", "source": "spacego", "requested_at": "2026-01-01T00:00:00Z",
           "updated_at": "2026-01-01T01:00:00Z",
           "slots": [{"id": 1, "gs_id": "1", "start": "2026-01-01T00:10:00Z", "end": "2026-01-01T00:20:00Z",
                      "status": "Completed"}],
           "details": {"spacecraft_id": "sc-iss", "service": {"id": "svc-s"}, "state_msg": "all frames",
                       "stationResults": {"1": {"status": "completed", "reportedAt": "2026-01-01T00:30:00Z"}}}}
    b = Booking.model_validate(old)
    assert (contact_state(b), b.state_msg, b.due_at, b.slots[0].pass_start) == ("SUCCESS", "all frames", None, None)
    typed = {**old, "contact": {"spacecraft_id": "sc-iss", "service": {"id": "svc-s"}, "state_msg": "site 1 reserved"},
             "status": "Pending"}
    del typed["details"]
    assert Booking.model_validate(typed).state_msg == "site 1 reserved"


def test_the_due_time_follows_the_grace_setting():
    lc = Lifecycle(report_grace=timedelta(minutes=3))
    b = Booking(id=1, owner="a", owner_type="user", norad_id=1, type="data", requested_at=NOW, updated_at=NOW,
                slots=[{"id": 1, "gs_id": "1", "start": NOW, "end": NOW + timedelta(minutes=5),
                        "status": "AwaitingReport"}], status="AwaitingReport")
    assert lc.due(b) == NOW + timedelta(minutes=8)
    assert lc.advance(b, NOW + timedelta(minutes=8) - timedelta(microseconds=1)) is None
    assert lc.advance(b, NOW + timedelta(minutes=8)).status == "Failed"
    assert datetime(2027, 1, 1, tzinfo=UTC) < NOW  # the scenario is in the future of any stored demo data
