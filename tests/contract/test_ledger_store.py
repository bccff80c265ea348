"""The ``LedgerStore`` contract (shared/domain/ledger/ports.py), on memory and on DynamoDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.events.models import RESERVATION_STATE_CHANGE, Event, state_change
from shared.domain.files.models import FileRecord
from shared.domain.ledger.errors import SlotTaken
from shared.domain.ledger.models import Booking, ContactPart, ServiceRef, Slot
from shared.domain.ledger.ports import Change

T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)


def booking(stores, *windows, owner="alice", source="orbapi", contact=None) -> Booking:
    [bid] = stores.ledger.next_ids("booking")
    ids = stores.ledger.next_ids("slot", len(windows))
    return Booking(id=bid, owner=owner, owner_type="user", norad_id=25544, type="data", source=source,
                   requested_at=T0, updated_at=T0, contact=contact,
                   slots=[Slot(id=i, gs_id=gs, start=T0 + timedelta(minutes=a), end=T0 + timedelta(minutes=b))
                          for i, (gs, a, b) in zip(ids, windows, strict=True)])


def cancel(b: Booking) -> Booking:
    return b.model_copy(update={"status": "Cancelled", "updated_at": b.updated_at + timedelta(seconds=1),
                                "slots": [s.model_copy(update={"status": "Cancelled"}) for s in b.slots]})


def test_ids_are_allocated_in_order_without_repeats(stores):
    a = stores.ledger.next_ids("booking")
    b = stores.ledger.next_ids("booking", 3)
    assert len(set(a + b)) == 4 and b == list(range(a[0] + 1, a[0] + 4))
    assert stores.ledger.next_ids("file") == [1]  # counters are independent


def test_reserve_stores_the_booking_and_its_windows(stores):
    b = booking(stores, ("1", 0, 10), ("2", 5, 15))
    stores.ledger.reserve(b)
    assert stores.ledger.get(b.id) == b
    [r] = stores.ledger.reservations("1", T0, T0 + timedelta(hours=1))
    assert (r.booking_id, r.slot_id, r.start, r.end) == (b.id, b.slots[0].id, b.slots[0].start, b.slots[0].end)
    assert stores.ledger.list_by_owner("alice") == [b] and stores.ledger.list_by_owner("bob") == []


def test_overlap_is_refused_and_nothing_of_the_loser_is_stored(stores):
    first = booking(stores, ("1", 0, 10))
    stores.ledger.reserve(first)
    loser = booking(stores, ("2", 0, 10), ("1", 9, 20))  # the second slot touches the first booking
    with pytest.raises(SlotTaken) as taken:
        stores.ledger.reserve(loser)
    assert taken.value.taken.start == first.slots[0].start
    assert stores.ledger.get(loser.id) is None
    assert stores.ledger.reservations("2", T0, T0 + timedelta(hours=1)) == []  # all or nothing
    touching = booking(stores, ("1", 10, 20))  # [start, end): back to back is not an overlap
    stores.ledger.reserve(touching)


def test_the_store_itself_refuses_bad_windows_and_repeated_ids(stores):
    with pytest.raises(InvalidRequest, match="overlap each other"):
        stores.ledger.reserve(booking(stores, ("1", 0, 30), ("1", 20, 40)))
    with pytest.raises(InvalidRequest, match="last at most"):
        stores.ledger.reserve(booking(stores, ("1", 0, 60 * 25)))
    b = booking(stores, ("1", 100, 110))
    stores.ledger.reserve(b)
    again = b.model_copy(update={"slots": [b.slots[0].model_copy(update={"gs_id": "9"})]})
    with pytest.raises(Conflict, match="already exists"):
        stores.ledger.reserve(again)


def test_files_are_stored_with_their_booking(stores):
    b = booking(stores, ("1", 0, 10))
    f = FileRecord(id=stores.ledger.next_ids("file")[0], booking_id=b.id, owner="alice", direction="uplink",
                   s3_key="clients/alice/x.bin", created_at=T0, updated_at=T0)
    stores.ledger.reserve(b, [f])
    assert stores.files.list(b.id) == [f]
    loser = booking(stores, ("1", 5, 15))
    g = f.model_copy(update={"id": f.id + 1, "booking_id": loser.id})
    with pytest.raises(SlotTaken):
        stores.ledger.reserve(loser, [g])
    assert stores.files.list(loser.id) == []  # a refused booking leaves no file behind


def test_update_frees_the_windows_of_cancelled_slots_at_once(stores):
    b = booking(stores, ("1", 0, 10), ("2", 0, 10))
    stores.ledger.reserve(b)
    half = b.model_copy(update={"updated_at": T0 + timedelta(seconds=1),
                                "slots": [b.slots[0].model_copy(update={"status": "Cancelled"}), b.slots[1]]})
    assert stores.ledger.update(b.id, lambda cur: half) == half
    assert stores.ledger.reservations("1", T0, T0 + timedelta(hours=1)) == []
    assert len(stores.ledger.reservations("2", T0, T0 + timedelta(hours=1))) == 1
    stores.ledger.reserve(booking(stores, ("1", 0, 10), owner="bob"))  # bookable again


def test_update_with_nothing_to_change_returns_the_current_booking(stores):
    b = booking(stores, ("1", 0, 10))
    stores.ledger.reserve(b)
    assert stores.ledger.update(b.id, lambda cur: None) == b
    assert stores.ledger.update(10**9, cancel) is None


def test_update_reapplies_the_transform_on_the_current_state(stores):
    b = booking(stores, ("1", 0, 10))
    stores.ledger.reserve(b)
    seen = []

    def cancelled(cur: Booking) -> Booking | None:
        seen.append(cur.status)
        return None if cur.status == "Cancelled" else cancel(cur)

    assert stores.ledger.update(b.id, cancelled).status == "Cancelled"
    assert stores.ledger.update(b.id, cancelled).status == "Cancelled"  # a retried cancel changes nothing
    assert seen == ["Pending", "Cancelled"]


def test_the_contact_part_round_trips(stores):
    contact = ContactPart(spacecraft_id="sc-1", service=ServiceRef(id="svc", name="S-band"),
                          customizations={"s_band": {"uplink_polarization": "RHCP"}}, state_msg="site 1 reserved")
    b = booking(stores, ("1", 0, 10), source="spacego", contact=contact)
    stores.ledger.reserve(b)
    assert stores.ledger.get(b.id).contact == contact


def test_reserving_the_identical_booking_again_is_a_retry_that_succeeds(stores):
    # Given a booking whose write committed but whose answer was lost
    b = booking(stores, ("1", 0, 10), ("2", 0, 10))
    stores.ledger.reserve(b)
    # When the same write is tried again, it succeeds and changes nothing
    stores.ledger.reserve(b)
    assert stores.ledger.get(b.id) == b
    assert len(stores.ledger.reservations("1", T0, T0 + timedelta(hours=1))) == 1
    # but the same id and windows with another owner is not this write: refused, nothing changed
    with pytest.raises(Conflict):
        stores.ledger.reserve(b.model_copy(update={"owner": "mallory"}))
    assert stores.ledger.get(b.id) == b


# -- the time index, and changes written with their files and events ------------------------------------------
def _due(b: Booking, minutes: float) -> Booking:
    return b.model_copy(update={"due_at": T0 + timedelta(minutes=minutes)})


def _event(b: Booking, new: str, at: datetime = T0) -> Event:
    return state_change("groundlink.ledger", RESERVATION_STATE_CHANGE, owner=b.owner, at=at, resource={
        "bookingId": b.id}, old=None, new=new)


def test_scheduled_lists_only_reservations_with_a_due_time_in_due_order(stores):
    late = _due(booking(stores, ("1", 0, 10)), 30)
    early = _due(booking(stores, ("2", 0, 10)), 5)
    never = booking(stores, ("3", 0, 10))  # no pending transition: not in the index
    for b in (late, early, never):
        stores.ledger.reserve(b)
    assert [b.id for b in stores.ledger.scheduled()] == [early.id, late.id]
    assert stores.ledger.scheduled()[0] == early  # the whole booking, as stored
    assert [b.id for b in stores.ledger.scheduled(until=T0 + timedelta(minutes=5))] == [early.id]  # inclusive
    assert [b.id for b in stores.ledger.scheduled(since=T0 + timedelta(minutes=5))] == [late.id]  # exclusive
    assert stores.ledger.scheduled(since=T0 + timedelta(minutes=5), until=T0 + timedelta(minutes=29)) == []
    assert [b.id for b in stores.ledger.scheduled(limit=1)] == [early.id]


def test_an_update_moves_or_removes_the_index_entry(stores):
    b = _due(booking(stores, ("1", 0, 10)), 5)
    stores.ledger.reserve(b)
    stores.ledger.update(b.id, lambda cur: _due(cur.model_copy(update={"status": "InProgress",
                                                                        "updated_at": T0 + timedelta(minutes=5)}), 10))
    assert [(x.id, x.due_at) for x in stores.ledger.scheduled()] == [(b.id, T0 + timedelta(minutes=10))]
    stores.ledger.update(b.id, lambda cur: cur.model_copy(update={"status": "Failed", "due_at": None,
                                                                  "updated_at": T0 + timedelta(minutes=11)}))
    assert stores.ledger.scheduled() == [] and stores.ledger.get(b.id).status == "Failed"


def test_the_index_reads_many_pages(stores):
    made = []
    for i in range(60):
        b = _due(booking(stores, (f"s{i}", 0, 10)), i)
        stores.ledger.reserve(b)
        made.append(b.id)
    assert [b.id for b in stores.ledger.scheduled()] == made
    assert [b.id for b in stores.ledger.scheduled(limit=45)] == made[:45]


def test_a_change_writes_its_files_and_events_with_the_booking(stores):
    b = booking(stores, ("1", 0, 10))
    f = FileRecord(id=stores.ledger.next_ids("file")[0], booking_id=b.id, owner="alice", direction="uplink",
                   s3_key="clients/alice/x.bin", status="available", created_at=T0, updated_at=T0)
    stores.ledger.reserve(b, [f], [_event(b, "CONFIRMED")])
    assert [e.detail["state"] for e in stores.outbox.pending()] == ["CONFIRMED"]
    later = T0 + timedelta(minutes=20)
    consumed = f.model_copy(update={"status": "consumed", "updated_at": later})
    done = b.model_copy(update={"status": "Completed", "updated_at": later})
    stored = stores.ledger.update(b.id, lambda cur: Change(done, files=[(f, consumed)],
                                                         events=[_event(b, "SUCCESS", later)]))
    assert stored == done == stores.ledger.get(b.id)
    assert stores.files.get(b.id, f.id) == consumed
    assert [e.detail["state"] for e in stores.outbox.pending()] == ["CONFIRMED", "SUCCESS"]


def test_a_change_whose_file_moved_meanwhile_is_reapplied_on_the_current_file(stores):
    if not hasattr(stores.outbox, "table"):
        pytest.skip("in memory the change holds the file store's lock throughout: no file can move meanwhile")
    b = booking(stores, ("1", 0, 10))
    f = FileRecord(id=stores.ledger.next_ids("file")[0], booking_id=b.id, owner="alice", direction="uplink",
                   s3_key="clients/alice/x.bin", status="pending", created_at=T0, updated_at=T0)
    stores.ledger.reserve(b, [f])
    verified = f.model_copy(update={"status": "available", "updated_at": T0 + timedelta(minutes=1)})
    seen: list[str] = []
    later = T0 + timedelta(minutes=20)

    def finish(cur: Booking) -> Change:
        current = stores.files.get(b.id, f.id)
        if not seen:  # the file is verified between this read and the write (an S3 event, concurrently)
            _put_file(verified)
        seen.append(current.status)
        new = current.model_copy(update={"status": "consumed" if current.status == "available" else "failed",
                                         "updated_at": later})
        return Change(cur.model_copy(update={"status": "Completed", "updated_at": later}), files=[(current, new)])

    stores.ledger.update(b.id, finish)
    assert seen == ["pending", "available"]  # the first write was refused, the transform re-ran on the new file
    assert stores.files.get(b.id, f.id).status == "consumed"


def _put_file(record: FileRecord) -> None:
    from shared.adapters.dynamo.base import ddb, serialize, table_name
    from shared.adapters.dynamo.files import file_item

    ddb().put_item(TableName=table_name("files"), Item=serialize(file_item(record)))
