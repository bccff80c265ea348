"""The event outbox holds events in time order until the relay removes them; the relay removes only what the
bus took and keeps everything when the bus is down. Same contract on memory and DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.outbox import MemoryEventBus, MemoryEventOutbox
from shared.domain.events.models import RESERVATION_STATE_CHANGE, Event, state_change
from shared.domain.events.relay import EventRelay

T0 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def outbox(request, dynamo_tables_factory) -> Iterator[object]:
    if request.param == "memory":
        yield MemoryEventOutbox()
    else:
        with dynamo_tables_factory():
            from shared.adapters.dynamo.outbox import DynamoEventOutbox

            yield DynamoEventOutbox()


def _event(minutes: int, booking: int) -> Event:
    return state_change("groundlink.ledger", RESERVATION_STATE_CHANGE, owner="client_1",
                        at=T0 + timedelta(minutes=minutes), resource={"bookingId": booking},
                        old="CONFIRMED", new="ONGOING", reason="the window started")


def test_pending_is_oldest_first_and_remove_takes_only_the_given(outbox) -> None:
    late, early = _event(5, 2), _event(1, 1)
    outbox.add([late, early])
    assert [e.id for e in outbox.pending()] == [early.id, late.id]
    assert outbox.pending(1) == [early]
    outbox.remove([early])
    assert outbox.pending() == [late]
    assert outbox.pending()[0].detail == {"bookingId": 2, "previousState": "CONFIRMED", "state": "ONGOING",
                                          "changedAt": "2026-12-02T12:05:00Z", "reason": "the window started"}


def test_relay_publishes_in_order_and_keeps_everything_while_the_bus_is_down(outbox) -> None:
    events = [_event(i, i) for i in range(13)]
    outbox.add(events)
    bus = MemoryEventBus()
    bus.down = True
    report = EventRelay(outbox, bus).drain()
    assert (report.published, len(outbox.pending(100))) == (0, 13)
    bus.down = False
    report = EventRelay(outbox, bus).drain()
    assert report.published == 13
    assert [e.id for e in bus.published] == [e.id for e in events]
    assert outbox.pending() == []


def test_relay_keeps_what_the_bus_rejected(outbox) -> None:
    first, second = _event(1, 1), _event(2, 2)
    outbox.add([first, second])

    class Picky(MemoryEventBus):
        def put(self, events):
            super().put([e for e in events if e.id != second.id])
            return [second.id]

    bus = Picky()
    report = EventRelay(outbox, bus).drain()
    assert (report.published, report.failed) == (1, 1)
    assert outbox.pending() == [second]
