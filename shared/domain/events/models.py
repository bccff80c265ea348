"""A domain event: one state change of one owned resource, named for the bus (EventBridge ``source`` and
``detail-type``) and for the owner's webhooks (``id`` de-duplicates deliveries).

Stores write events into the outbox *in the same transaction* as the change they describe; the relay
(``relay.py``) publishes what the outbox holds and removes it, so a failed bus call loses nothing and a
stored change is never announced before it is stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal["groundlink.ledger", "groundlink.files", "groundlink.jobs", "groundlink.maneuvers",
                 "groundlink.catalog"]

# detail-type values (EventBridge rules and webhook subscriptions match on them)
RESERVATION_STATE_CHANGE = "Reservation State Change"
FILE_STATE_CHANGE = "File State Change"
JOB_STATE_CHANGE = "Job State Change"
MANEUVER_DETECTED = "Maneuver Detected"
DETAIL_TYPES: tuple[str, ...] = (RESERVATION_STATE_CHANGE, FILE_STATE_CHANGE, JOB_STATE_CHANGE, MANEUVER_DETECTED)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: Source
    detail_type: str
    owner: str  # the account the resource belongs to: only its webhooks receive the event
    time: datetime
    detail: dict[str, Any]

    def envelope(self) -> dict[str, Any]:
        """The JSON a webhook receives and the EventBridge event's shape (``detail-type`` spelt as AWS does)."""
        return {"id": self.id, "source": self.source, "detail-type": self.detail_type, "owner": self.owner,
                "time": self.time.astimezone(UTC).isoformat().replace("+00:00", "Z"), "detail": self.detail}


def state_change(source: Source, detail_type: str, *, owner: str, at: datetime, resource: dict[str, Any],
                 old: str | None, new: str, reason: str | None = None) -> Event:
    """The common shape of a state-change event: the resource's ids, old and new state, why, and when."""
    detail = {**resource, "previousState": old, "state": new, "changedAt":
              at.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    if reason:
        detail["reason"] = reason
    return Event(source=source, detail_type=detail_type, owner=owner, time=at, detail=detail)
