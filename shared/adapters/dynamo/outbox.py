"""The event outbox in table ``events``: ``OUTBOX`` / ``<time>#<id>`` (string order is time order), the event
as JSON. A store that changes state puts ``outbox_item(event)`` into its own ``TransactWriteItems`` so the
event exists exactly when the change does."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from shared.adapters.dynamo.base import ddb, table_name, value
from shared.domain.events.models import Event
from shared.domain.events.ports import EventOutbox

PARTITION = "OUTBOX"


def _sk(event: Event) -> str:
    return f"{event.time.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{event.id}"


def outbox_item(event: Event, table: str | None = None) -> dict[str, Any]:
    """A ``TransactWriteItems`` entry adding ``event`` to the outbox (fails the transaction if it exists)."""
    return {"Put": {"TableName": table or table_name("events"),
                    "Item": {"pk": value(PARTITION), "sk": value(_sk(event)),
                             "event": value(event.model_dump_json())},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


class DynamoEventOutbox:
    def __init__(self, table: str | None = None) -> None:
        self.table = table or table_name("events")

    def add(self, events: Sequence[Event]) -> None:
        for event in events:
            item = outbox_item(event, self.table)["Put"]
            ddb().put_item(TableName=self.table, Item=item["Item"])

    def pending(self, limit: int = 100) -> list[Event]:
        resp = ddb().query(TableName=self.table, KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": value(PARTITION)}, Limit=limit, ConsistentRead=True)
        return [Event.model_validate(json.loads(item["event"]["S"])) for item in resp.get("Items", [])]

    def remove(self, events: Sequence[Event]) -> None:
        for event in events:
            ddb().delete_item(TableName=self.table, Key={"pk": value(PARTITION), "sk": value(_sk(event))})


@lru_cache(maxsize=1)
def event_outbox() -> EventOutbox:
    return DynamoEventOutbox()
