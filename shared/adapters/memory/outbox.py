"""The event outbox in memory, and a bus that records what it was given (or refuses, to test the relay)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from shared.domain.events.models import Event


class MemoryEventOutbox:
    def __init__(self) -> None:
        self.lock = threading.RLock()  # stores adding events "in their transaction" hold it with their own
        self._events: dict[str, Event] = {}

    def add(self, events: Sequence[Event]) -> None:
        with self.lock:
            for event in events:
                self._events.setdefault(event.id, event)

    def pending(self, limit: int = 100) -> list[Event]:
        with self.lock:
            return sorted(self._events.values(), key=lambda e: (e.time, e.id))[:limit]

    def remove(self, events: Sequence[Event]) -> None:
        with self.lock:
            for event in events:
                self._events.pop(event.id, None)


class MemoryEventBus:
    def __init__(self) -> None:
        self.published: list[Event] = []
        self.down = False

    def put(self, events: Sequence[Event]) -> list[str]:
        if self.down:
            raise ConnectionError("event bus unavailable")
        self.published.extend(events)
        return []
