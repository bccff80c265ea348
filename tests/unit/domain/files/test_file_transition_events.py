"""File transitions announce themselves: ``available`` and ``failed`` (uplink verification) and ``delivered``
(downlink) each put one ``File State Change`` event into the outbox with the change; nothing that changes no
status announces anything."""

from __future__ import annotations

import hashlib

from shared.domain.events.models import FILE_STATE_CHANGE
from shared.domain.ledger.models import Booking
from tests.unit.domain.files.test_file_events import BAD, GOOD, KEY, T0, CountingStorage, event, world


def test_verification_results_are_announced_once_each() -> None:
    service, store, storage = world()
    service.on_uplink_event(event("S1", BAD, "v1"), storage)
    [failed] = store.outbox.pending()
    assert (failed.source, failed.detail_type, failed.owner, failed.time) == ("groundlink.files", FILE_STATE_CHANGE,
                                                                              "alice", T0)
    assert failed.detail["previousState"] == "pending" and failed.detail["state"] == "failed"
    assert failed.detail["reason"].startswith("sha256 mismatch")
    assert (failed.detail["fileId"], failed.detail["bookingId"], failed.detail["key"]) == (1, 7, KEY)
    service.on_uplink_event(event("S1", BAD, "v1"), storage)  # the same event again: nothing new
    assert store.outbox.pending() == [failed]
    service.on_uplink_event(event("S2", GOOD, "v2"), storage)
    [available] = [e for e in store.outbox.pending() if e.id != failed.id]  # same instant: any order
    assert (available.detail["previousState"], available.detail["state"]) == ("failed", "available")
    assert "reason" not in available.detail
    service.on_uplink_event(event("S3", GOOD, "v3"), storage)  # the same bytes again: no transition
    assert len(store.outbox.pending()) == 2


class DownlinkLedger:
    def next_ids(self, counter: str, count: int = 1) -> list[int]:
        return [41]

    def get(self, booking_id: int) -> Booking | None:
        from unittest.mock import MagicMock

        booking = MagicMock(spec=Booking)
        booking.id, booking.owner = booking_id, "alice"
        return booking


def test_a_delivered_downlink_is_announced() -> None:
    from shared.adapters.memory.files import MemoryFileStore
    from shared.domain.files.service import FileService

    store = MemoryFileStore()
    service = FileService(store, DownlinkLedger(), clock=lambda: T0)
    storage = CountingStorage({"d1": GOOD})
    drop = type(event("S1", GOOD, "d1"))("downlink", "downlink/7/pass.iq", len(GOOD),
                                         hashlib.md5(GOOD).hexdigest(), "d1", "S1")  # noqa: S324
    done = service.on_downlink_object(drop, storage)
    assert done is not None and done.status == "delivered"
    [delivered] = store.outbox.pending()
    assert delivered.detail["state"] == "delivered" and delivered.detail["previousState"] == "pending"
    assert delivered.detail["direction"] == "downlink" and delivered.detail["fileId"] == 41
    assert service.on_downlink_object(drop, storage) is None  # a duplicate: no second event
    assert len(store.outbox.pending()) == 1
