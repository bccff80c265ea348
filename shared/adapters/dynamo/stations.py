"""Stations as the command broker sees them.

* Heartbeats in table ``stations``: ``STATION#<gs_id>`` / ``HEARTBEAT`` with ``last_seen_at`` (only moves forward).
* A station's reservations, read from the ledger's ``STATION#<gs_id>`` / ``RES#<start>#<booking>#<slot>`` rows.
* Contact results: the booking's slots at the station become final, one conditional write on the booking's
  ``updated_at`` (as the ledger's cancel does), re-read and re-applied on a concurrent change.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from botocore.exceptions import ClientError
from pydantic import BaseModel

from shared.adapters.dynamo.base import ddb, query_all, serialize, table_name, value
from shared.adapters.dynamo.ledger import MAX_WINDOW, ledger_repository
from shared.domain.errors import Unavailable
from shared.domain.ledger.models import Booking
from shared.timefmt import iso_ms

MAX_ATTEMPTS = 25


class Reservation(BaseModel):
    gs_id: str
    booking_id: int
    slot_id: int
    start: datetime
    end: datetime


class StationRepository(Protocol):
    def heartbeat(self, gs_id: str, at: datetime) -> None: ...
    def last_seen(self, gs_id: str) -> datetime | None: ...
    def reservations(self, gs_id: str, start: datetime, end: datetime) -> list[Reservation]: ...
    def update_booking(self, booking_id: int, transform: Callable[[Booking], Booking | None]) -> Booking | None: ...


class DynamoStationRepository:
    def __init__(self) -> None:
        self.table = table_name("stations")
        self.ledger_table = table_name("ledger")

    def heartbeat(self, gs_id: str, at: datetime) -> None:
        try:
            ddb().put_item(
                TableName=self.table,
                Item=serialize({"pk": f"STATION#{gs_id}", "sk": "HEARTBEAT", "gs_id": gs_id,
                                "last_seen_at": iso_ms(at)}),
                ConditionExpression="attribute_not_exists(pk) OR last_seen_at < :t",
                ExpressionAttributeValues={":t": value(iso_ms(at))},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # else a later heartbeat is stored already

    def last_seen(self, gs_id: str) -> datetime | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"STATION#{gs_id}"), "sk": value("HEARTBEAT")},
                              ConsistentRead=True)
        if "Item" not in resp:
            return None
        return datetime.fromisoformat(resp["Item"]["last_seen_at"]["S"].replace("Z", "+00:00"))

    def reservations(self, gs_id: str, start: datetime, end: datetime) -> list[Reservation]:
        """The station's reserved windows overlapping [start, end), in start order."""
        items = query_all(
            TableName=self.ledger_table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={":pk": value(f"STATION#{gs_id}"),
                                       ":lo": value(f"RES#{iso_ms(start - MAX_WINDOW)}"),
                                       ":hi": value(f"RES#{iso_ms(end)}")},
            ConsistentRead=True,
        )
        out = [Reservation(gs_id=gs_id, booking_id=i["booking_id"], slot_id=i["slot_id"], start=i["start"],
                           end=i["end"]) for i in items]
        return [r for r in out if r.start < end and start < r.end]

    def update_booking(self, booking_id: int, transform: Callable[[Booking], Booking | None]) -> Booking | None:
        """Store ``transform(current)`` if the booking is unchanged since read; None if unknown. ``transform``
        returns None when there is nothing to change (returns the current booking then)."""
        for attempt in range(MAX_ATTEMPTS):
            booking = ledger_repository().get_booking(booking_id)
            if booking is None:
                return None
            updated = transform(booking)
            if updated is None:
                return booking
            body = updated.model_dump(mode="json")
            try:
                ddb().update_item(
                    TableName=self.ledger_table,
                    Key={"pk": value(f"BOOKING#{booking_id:012d}"), "sk": value("META")},
                    UpdateExpression="SET #s = :s, slots = :slots, details = :d, #u = :u",
                    ConditionExpression="#u = :old",
                    ExpressionAttributeNames={"#s": "status", "#u": "updated_at"},
                    ExpressionAttributeValues={
                        ":s": value(body["status"]), ":slots": value(body["slots"]), ":d": value(body["details"]),
                        ":u": value(body["updated_at"]),
                        ":old": value(booking.model_dump(mode="json")["updated_at"]),
                    },
                )
                return updated
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
            time.sleep(random.uniform(0.002, 0.02) * (1 + attempt))
        raise Unavailable(f"booking {booking_id} is being changed concurrently; retry the request")


@lru_cache(maxsize=1)
def station_repository() -> StationRepository:
    return DynamoStationRepository()
