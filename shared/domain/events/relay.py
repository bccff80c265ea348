"""The outbox relay: publishes stored events to the bus and removes each one only once the bus took it.

A relay that crashes between ``put`` and ``remove`` publishes those events again on its next run: consumers
de-duplicate by ``Event.id`` (the webhook deliverer does; EventBridge consumers are told to)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.domain.events.ports import EventBus, EventOutbox

log = logging.getLogger("groundlink.domain.events")


@dataclass
class RelayReport:
    published: int = 0
    failed: int = 0


class EventRelay:
    def __init__(self, outbox: EventOutbox, bus: EventBus, *, batch: int = 10) -> None:
        self.outbox = outbox
        self.bus = bus
        self.batch = batch  # EventBridge PutEvents takes at most 10 entries

    def drain(self, limit: int = 500) -> RelayReport:
        report = RelayReport()
        while report.published + report.failed < limit:
            events = self.outbox.pending(self.batch)
            if not events:
                break
            try:
                failed = set(self.bus.put(events))
            except Exception:  # the bus is down: everything stays in the outbox for the next run
                log.warning("event bus unavailable; %d events stay in the outbox", len(events), exc_info=True)
                report.failed += len(events)
                break
            done = [e for e in events if e.id not in failed]
            if done:
                self.outbox.remove(done)
            report.published += len(done)
            report.failed += len(failed)
            if failed:
                break  # retry on the next run rather than spin on a rejecting bus
        return report
