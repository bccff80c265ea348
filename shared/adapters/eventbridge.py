"""The event bus (EventBridge): ``PutEvents`` in batches of 10; entries the bus refused (``FailedEntryCount``,
an ``ErrorCode`` per entry) are returned by id for the relay to keep in the outbox.

On the bus an event is ``Source`` = ``groundlink.<domain>``, ``DetailType`` and a ``Detail`` holding the
event's detail plus ``eventId`` (de-duplication), ``owner`` and ``eventTime``; ``event_from_bus`` reads such
an event back (the webhook fan-out receives it through the rule's SQS target)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shared.domain.events.models import Event

BATCH = 10
RESERVED = ("eventId", "owner", "eventTime")


def entry(event: Event, bus_name: str) -> dict[str, Any]:
    detail = {**event.detail, "eventId": event.id, "owner": event.owner, "eventTime": event.envelope()["time"]}
    return {"Source": event.source, "DetailType": event.detail_type, "Detail": json.dumps(detail),
            "EventBusName": bus_name, "Time": event.time, "Resources": []}


def event_from_bus(message: dict[str, Any]) -> Event:
    """The domain event inside an EventBridge event (as a rule delivers it)."""
    detail = dict(message["detail"])
    meta = {key: detail.pop(key) for key in RESERVED}
    return Event(id=str(meta["eventId"]), source=message["source"], detail_type=message["detail-type"],
                 owner=str(meta["owner"]), time=datetime.fromisoformat(str(meta["eventTime"]).replace("Z", "+00:00")),
                 detail=detail)


class EventBridgeBus:
    def __init__(self, events_client: Any, bus_name: str) -> None:
        self.events = events_client
        self.bus_name = bus_name

    def put(self, events: Sequence[Event]) -> list[str]:
        failed: list[str] = []
        for start in range(0, len(events), BATCH):
            batch = list(events[start:start + BATCH])
            resp = self.events.put_events(Entries=[entry(e, self.bus_name) for e in batch])
            if resp.get("FailedEntryCount", 0):
                failed += [e.id for e, r in zip(batch, resp.get("Entries", []), strict=False) if r.get("ErrorCode")]
        return failed
