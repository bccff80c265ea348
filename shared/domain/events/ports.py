"""What publishing events needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared.domain.events.models import Event


class EventOutbox(Protocol):
    """Events stored with the changes they describe, until published. Stores that change state add their
    events in their own transaction (the DynamoDB adapter's ``outbox_item``); ``add`` is for a change that
    is itself a single write already done."""

    def add(self, events: Sequence[Event]) -> None: ...

    def pending(self, limit: int = 100) -> list[Event]:
        """The oldest unpublished events, oldest first."""
        ...

    def remove(self, events: Sequence[Event]) -> None: ...


class EventBus(Protocol):
    def put(self, events: Sequence[Event]) -> list[str]:
        """Publish; returns the ids of the events the bus did not take (to be retried)."""
        ...
