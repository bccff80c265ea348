"""The antenna-time ledger in DynamoDB (table ``ledger``). Non-overlap is enforced by the database:

  STATION#<gs>   / LOCK                           version counter of the station's reservations
  STATION#<gs>   / RES#<start>#<booking>#<slot>   one row per reserved window (deleted when freed)
  BOOKING#<id:012d> / META                        the booking/contact with its slots; GSI by_owner
  COUNTER        / booking|slot|file              atomic id allocation

Reserving reads the station's LOCK version, then the reservations that could overlap, and commits in one
TransactWriteItems that (a) bumps every touched station's LOCK *conditioned on the version it read*,
(b) puts the reservation rows and (c) the booking. Two concurrent writers on a station cannot both
commit: the second transaction's condition fails, it re-reads, and sees the first one's window. So the
check and the write are one atomic step in DynamoDB, not a read-then-write in Python.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.files import file_item
from shared.domain.errors import Conflict, Unavailable
from shared.domain.files.models import FileRecord
from shared.domain.ledger.errors import SlotTaken, check_windows
from shared.domain.ledger.models import Booking, Reservation, Slot, Window
from shared.domain.ledger.policy import MAX_WINDOW
from shared.domain.ledger.ports import LedgerStore, Transform
from shared.timefmt import iso_ms

MAX_ATTEMPTS = 25
_RETRYABLE = ("TransactionCanceledException", "TransactionConflictException")


def _booking_key(booking_id: int) -> dict[str, Any]:
    return {"pk": value(f"BOOKING#{booking_id:012d}"), "sk": value("META")}


def _res_sk(w: Window | Slot, booking_id: int, slot_id: int) -> str:
    return f"RES#{iso_ms(w.start)}#{booking_id:012d}#{slot_id:012d}"


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0.002, 0.02) * (1 + attempt))  # another writer won: re-read


class DynamoLedgerStore:
    def __init__(self) -> None:
        self.table = table_name("ledger")
        self.files_table = table_name("files")

    def next_ids(self, counter: str, count: int = 1) -> list[int]:
        resp = ddb().update_item(
            TableName=self.table,
            Key={"pk": value("COUNTER"), "sk": value(counter)},
            UpdateExpression="ADD #n :c",
            ExpressionAttributeNames={"#n": "n"},
            ExpressionAttributeValues={":c": value(count)},
            ReturnValues="UPDATED_NEW",
        )
        last = int(resp["Attributes"]["n"]["N"])
        return list(range(last - count + 1, last + 1))

    # -- reading ------------------------------------------------------------------------------------
    def _lock_version(self, gs_id: str) -> int | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"STATION#{gs_id}"), "sk": value("LOCK")},
                              ConsistentRead=True)
        return int(resp["Item"]["version"]["N"]) if "Item" in resp else None

    def reservations(self, gs_id: str, start: datetime, end: datetime) -> list[Reservation]:
        """Reserved windows of a station that overlap [start, end), in start order."""
        items = query_all(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": value(f"STATION#{gs_id}"),
                ":lo": value(f"RES#{iso_ms(start - MAX_WINDOW)}"),
                ":hi": value(f"RES#{iso_ms(end)}"),
            },
            ConsistentRead=True,
        )
        out = [Reservation(gs_id=gs_id, booking_id=i["booking_id"], slot_id=i["slot_id"], start=i["start"],
                           end=i["end"]) for i in items]
        return [r for r in out if r.start < end and start < r.end]

    def get(self, booking_id: int) -> Booking | None:
        resp = ddb().get_item(TableName=self.table, Key=_booking_key(booking_id), ConsistentRead=True)
        return Booking.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def list_by_owner(self, owner: str) -> list[Booking]:
        items = query_all(
            TableName=self.table,
            IndexName="by_owner",
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": value(owner)},
        )
        return [Booking.model_validate(i) for i in items]

    # -- writing ------------------------------------------------------------------------------------
    def _booking_item(self, booking: Booking) -> dict[str, Any]:
        body = booking.model_dump(mode="json")
        return {**body, "pk": f"BOOKING#{booking.id:012d}", "sk": "META", "owner_sort": f"{booking.id:012d}"}

    def reserve(self, booking: Booking, files: Sequence[FileRecord] = ()) -> None:
        """Reserve every slot of ``booking`` and store it with its files, all or nothing. Raises SlotTaken."""
        check_windows(booking.windows(), MAX_WINDOW.total_seconds())
        stations = sorted({s.gs_id for s in booking.slots})
        for attempt in range(MAX_ATTEMPTS):
            versions = {gs: self._lock_version(gs) for gs in stations}
            for w in booking.windows():
                taken = self.reservations(w.gs_id, w.start, w.end)
                if taken:
                    t = taken[0]
                    raise SlotTaken(w, Window(gs_id=t.gs_id, start=t.start, end=t.end))
            items: list[dict[str, Any]] = []
            for gs in stations:
                old = versions[gs]
                items.append({"Update": {
                    "TableName": self.table,
                    "Key": {"pk": value(f"STATION#{gs}"), "sk": value("LOCK")},
                    "UpdateExpression": "SET #v = :new",
                    "ConditionExpression": "attribute_not_exists(pk)" if old is None else "#v = :old",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": {":new": value((old or 0) + 1),
                                                  **({":old": value(old)} if old is not None else {})},
                }})
            for s in booking.slots:
                items.append({"Put": {
                    "TableName": self.table,
                    "Item": serialize({
                        "pk": f"STATION#{s.gs_id}", "sk": _res_sk(s, booking.id, s.id),
                        "start": iso_ms(s.start), "end": iso_ms(s.end), "booking_id": booking.id,
                        "slot_id": s.id, "source": booking.source,
                    }),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }})
            for f in files:
                items.append({"Put": {"TableName": self.files_table, "Item": serialize(file_item(f)),
                                      "ConditionExpression": "attribute_not_exists(pk)"}})
            items.append({"Put": {"TableName": self.table, "Item": serialize(self._booking_item(booking)),
                                  "ConditionExpression": "attribute_not_exists(pk)"}})
            try:
                ddb().transact_write_items(TransactItems=items)
                return
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _RETRYABLE:
                    raise
                reasons = cancellation_reasons(exc)
                if reasons and reasons[-1] == "ConditionalCheckFailed":
                    raise Conflict(f"booking {booking.id} already exists") from None
            _backoff(attempt)
        raise Unavailable("the ground station schedule is busy; retry the request")

    def update(self, booking_id: int, transform: Transform) -> Booking | None:
        """Store ``transform(current)`` conditioned on the booking being unchanged since read, freeing the
        reserved windows of slots it cancels in the same transaction; re-read and re-apply on a concurrent
        change. Returns the stored booking (the current one if there was nothing to change; None if unknown)."""
        for attempt in range(MAX_ATTEMPTS):
            booking = self.get(booking_id)
            if booking is None:
                return None
            updated = transform(booking)
            if updated is None:
                return booking
            before = booking.model_dump(mode="json")
            items: list[dict[str, Any]] = [{"Put": {
                "TableName": self.table,
                "Item": serialize(self._booking_item(updated)),
                "ConditionExpression": "#s = :s AND #u = :u",
                "ExpressionAttributeNames": {"#s": "status", "#u": "updated_at"},
                "ExpressionAttributeValues": {":s": value(before["status"]), ":u": value(before["updated_at"])},
            }}]
            was_live = {s.id for s in booking.slots if s.status != "Cancelled"}
            for s in updated.slots:
                if s.status == "Cancelled" and s.id in was_live:
                    key = {"pk": value(f"STATION#{s.gs_id}"), "sk": value(_res_sk(s, booking.id, s.id))}
                    items.append({"Delete": {"TableName": self.table, "Key": key}})
            try:
                ddb().transact_write_items(TransactItems=items)
                return updated
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _RETRYABLE:
                    raise
            _backoff(attempt)
        raise Unavailable(f"booking {booking_id} is being changed concurrently; retry the request")


@lru_cache(maxsize=1)
def ledger_store() -> LedgerStore:
    return DynamoLedgerStore()
