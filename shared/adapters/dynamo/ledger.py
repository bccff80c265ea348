"""The antenna-time ledger in DynamoDB (table ``ledger``). Non-overlap is enforced by the database:

  STATION#<gs>   / LOCK                           version counter of the station's reservations
  STATION#<gs>   / RES#<start>#<booking>#<slot>   one row per reserved window (deleted when freed)
  BOOKING#<id:012d> / META                        the booking/contact with its slots; GSI by_owner; while time
                                                  will move it also ``due = "DUE"``, ``due_sort = <due_at>#<id>``:
                                                  the sparse time index by_due (only reservations with a pending
                                                  transition are in it; nothing to delete on cancel or at the end)
  COUNTER        / booking|slot|file              atomic id allocation

A change's files (table ``files``, each conditioned on being as read) and events (table ``events``, the outbox)
go into the same TransactWriteItems as the booking.

Reserving reads the station's LOCK version, then the reservations that could overlap, and commits in one
TransactWriteItems that (a) bumps every touched station's LOCK *conditioned on the version it read*,
(b) puts the reservation rows and (c) the booking. Two concurrent writers on a station cannot both
commit: the second transaction's condition fails, it re-reads, and sees the first one's window. So the
check and the write are one atomic step in DynamoDB, not a read-then-write in Python.

Retry-safe: every transaction carries a ``ClientRequestToken`` derived from the operation (``_token``: a hash
of the operation, the booking id, the exact items — so the versions and ``updated_at`` read — and the attempt).
botocore's retries of one attempt resend the same token, so DynamoDB (idempotent for 10 minutes) applies a
transaction whose response was lost once and answers the retry with success. Where that does not settle it
(the booking's own condition fails, or the outcome stays unknown after the SDK gave up), the booking is read
back: if the stored record is exactly what this call wrote, the call succeeded. A lost response never becomes
an error for a write that happened, and the booking's ``attribute_not_exists`` condition never lets it be
written twice.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.files import file_item
from shared.adapters.dynamo.outbox import outbox_item
from shared.domain.errors import Conflict, Unavailable
from shared.domain.events.models import Event
from shared.domain.files.models import FileRecord
from shared.domain.ledger.errors import SlotTaken, check_windows
from shared.domain.ledger.models import Booking, Reservation, Slot, Window
from shared.domain.ledger.policy import MAX_WINDOW
from shared.domain.ledger.ports import Change, LedgerStore, Transform
from shared.timefmt import iso_ms

MAX_ATTEMPTS = 25
DUE_PARTITION = "DUE"
_RETRYABLE = ("TransactionCanceledException", "TransactionConflictException")


def _booking_key(booking_id: int) -> dict[str, Any]:
    return {"pk": value(f"BOOKING#{booking_id:012d}"), "sk": value("META")}


def _res_sk(w: Window | Slot, booking_id: int, slot_id: int) -> str:
    return f"RES#{iso_ms(w.start)}#{booking_id:012d}#{slot_id:012d}"


def _token(operation: str, booking_id: int, items: list[dict[str, Any]], attempt: int) -> str:
    """The ClientRequestToken of one attempt (36 characters, DynamoDB's maximum): the same for the SDK's retries
    of that attempt, different for any other write (other items, other versions read, another attempt)."""
    body = json.dumps([operation, booking_id, items, attempt], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()[:36]


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
    def scheduled(self, since: datetime | None = None, until: datetime | None = None,
                  limit: int | None = None) -> list[Booking]:
        """One query of the sparse time index (eventually consistent: writers re-read through ``update``)."""
        lo = f"{iso_ms(since)}#~" if since is not None else None  # '~' sorts after every id: strictly after since
        hi = f"{iso_ms(until)}#~" if until is not None else None
        cond, values = "#d = :d", {":d": value(DUE_PARTITION)}
        if lo is not None and hi is not None:
            cond += " AND #s BETWEEN :lo AND :hi"
            values.update({":lo": value(lo), ":hi": value(hi)})
        elif lo is not None:
            cond += " AND #s > :lo"
            values[":lo"] = value(lo)
        elif hi is not None:
            cond += " AND #s <= :hi"
            values[":hi"] = value(hi)
        out: list[Booking] = []
        names = {"#d": "due", **({"#s": "due_sort"} if lo is not None or hi is not None else {})}
        kwargs: dict[str, Any] = {"TableName": self.table, "IndexName": "by_due", "KeyConditionExpression": cond,
                                  "ExpressionAttributeNames": names,
                                  "ExpressionAttributeValues": values}
        while limit is None or len(out) < limit:
            if limit is not None:
                kwargs["Limit"] = limit - len(out)
            resp = ddb().query(**kwargs)
            out += [Booking.model_validate(deserialize(i)) for i in resp.get("Items", [])]
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return out

    def _booking_item(self, booking: Booking) -> dict[str, Any]:
        body = booking.model_dump(mode="json")
        item = {**body, "pk": f"BOOKING#{booking.id:012d}", "sk": "META", "owner_sort": f"{booking.id:012d}"}
        if booking.due_at is not None:  # in the time index only while time will move it
            item.update(due=DUE_PARTITION, due_sort=f"{iso_ms(booking.due_at)}#{booking.id:012d}")
        return item

    def _stored_as(self, booking: Booking) -> bool:
        """Whether the stored booking is exactly ``booking`` (this call's own write, committed earlier)."""
        return self.get(booking.id) == booking

    def reserve(self, booking: Booking, files: Sequence[FileRecord] = (), events: Sequence[Event] = ()) -> None:
        """Reserve every slot of ``booking`` and store it with its files, all or nothing. Raises SlotTaken.
        Reserving the identical booking again (a retry whose first response was lost) succeeds and changes
        nothing."""
        check_windows(booking.windows(), MAX_WINDOW.total_seconds())
        stations = sorted({s.gs_id for s in booking.slots})
        for attempt in range(MAX_ATTEMPTS):
            versions = {gs: self._lock_version(gs) for gs in stations}
            for w in booking.windows():
                taken = self.reservations(w.gs_id, w.start, w.end)
                if taken:
                    if any(t.booking_id == booking.id for t in taken) and self._stored_as(booking):
                        return  # our own windows: an earlier attempt committed
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
            items += [outbox_item(e) for e in events]
            items.append({"Put": {"TableName": self.table, "Item": serialize(self._booking_item(booking)),
                                  "ConditionExpression": "attribute_not_exists(pk)"}})
            try:
                ddb().transact_write_items(TransactItems=items,
                                           ClientRequestToken=_token("reserve", booking.id, items, attempt))
                return
            except Unavailable:
                if self._stored_as(booking):  # the outcome was unknown: it committed, its response was lost
                    return
                raise  # nothing stored: a clean retryable error
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _RETRYABLE:
                    raise
                reasons = cancellation_reasons(exc)
                if reasons and reasons[-1] == "ConditionalCheckFailed":
                    if self._stored_as(booking):
                        return  # our own write, committed by a try whose response was lost
                    raise Conflict(f"booking {booking.id} already exists") from None
            _backoff(attempt)
        raise Unavailable("the ground station schedule is busy; retry the request", retry_after_s=1)

    def update(self, booking_id: int, transform: Transform) -> Booking | None:
        """Store ``transform(current)`` conditioned on the booking being unchanged since read, freeing the
        reserved windows of slots it cancels in the same transaction; re-read and re-apply on a concurrent
        change. Returns the stored booking (the current one if there was nothing to change; None if unknown).
        A write whose response was lost is recognised on the re-read (the stored booking is the one written)
        and answered as done, never applied twice."""
        tried: Booking | None = None
        for attempt in range(MAX_ATTEMPTS):
            booking = self.get(booking_id)
            if booking is None:
                return None
            if tried is not None and booking == tried:
                return tried  # our write, committed by a try whose response was lost
            result = transform(booking)
            if result is None:
                return booking
            change = result if isinstance(result, Change) else Change(result)
            updated = tried = change.booking
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
            for old, new in change.files:  # each only if no object event moved it since it was read
                items.append({"Put": {
                    "TableName": self.files_table, "Item": serialize(file_item(new)),
                    "ConditionExpression": "#s = :s AND " + ("#o = :o" if old.order is not None
                                                               else "attribute_not_exists(#o)"),
                    "ExpressionAttributeNames": {"#s": "status", "#o": "order"},
                    "ExpressionAttributeValues": {":s": value(old.status),
                                                  **({":o": value(old.order)} if old.order is not None else {})},
                }})
            items += [outbox_item(e) for e in change.events]
            try:
                ddb().transact_write_items(TransactItems=items,
                                           ClientRequestToken=_token("update", booking_id, items, attempt))
                return updated
            except Unavailable:
                if self.get(booking_id) == updated:  # the outcome was unknown: it committed
                    return updated
                raise
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _RETRYABLE:
                    raise
            _backoff(attempt)
        raise Unavailable(f"booking {booking_id} is being changed concurrently; retry the request", retry_after_s=1)


@lru_cache(maxsize=1)
def ledger_store() -> LedgerStore:
    return DynamoLedgerStore()
