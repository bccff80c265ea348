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
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Protocol

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.errors import Conflict, InvalidRequest, Unavailable
from shared.domain.ledger.models import Booking, Window
from shared.timefmt import iso_ms

MAX_WINDOW = timedelta(days=1)  # longest reservation: bounds the overlap query
MAX_ATTEMPTS = 25
_RETRYABLE = ("TransactionCanceledException", "TransactionConflictException")


class SlotTaken(Conflict):
    def __init__(self, window: Window, taken: Window) -> None:
        super().__init__(
            f"ground station {window.gs_id} is already reserved from {iso_ms(taken.start)} to {iso_ms(taken.end)}, "
            f"overlapping the requested {iso_ms(window.start)}–{iso_ms(window.end)}"
        )
        self.window, self.taken = window, taken


def _booking_key(booking_id: int) -> dict:
    return {"pk": value(f"BOOKING#{booking_id:012d}"), "sk": value("META")}


def _res_sk(w: Window, booking_id: int, slot_id: int) -> str:
    return f"RES#{iso_ms(w.start)}#{booking_id:012d}#{slot_id:012d}"


class LedgerRepository(Protocol):
    def next_ids(self, counter: str, count: int = 1) -> list[int]: ...
    def reserve(self, booking: Booking) -> None: ...
    def cancel(self, booking_id: int, transform: Callable[[Booking], Booking | None]) -> Booking | None: ...
    def get_booking(self, booking_id: int) -> Booking | None: ...
    def list_bookings(self, owner: str) -> list[Booking]: ...
    def reservations(self, gs_id: str, start, end) -> list[Window]: ...


class DynamoLedgerRepository:
    def __init__(self) -> None:
        self.table = table_name("ledger")

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

    def reservations(self, gs_id: str, start, end) -> list[Window]:
        """Reserved windows of a station that overlap [start, end)."""
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
        windows = [Window(gs_id=gs_id, start=i["start"], end=i["end"]) for i in items]
        return [w for w in windows if w.start < end and start < w.end]

    def get_booking(self, booking_id: int) -> Booking | None:
        resp = ddb().get_item(TableName=self.table, Key=_booking_key(booking_id), ConsistentRead=True)
        return Booking.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def list_bookings(self, owner: str) -> list[Booking]:
        items = query_all(
            TableName=self.table,
            IndexName="by_owner",
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": value(owner)},
        )
        return [Booking.model_validate(i) for i in items]

    # -- writing ------------------------------------------------------------------------------------
    def _booking_item(self, booking: Booking) -> dict:
        body = booking.model_dump(mode="json")
        return {**body, "pk": f"BOOKING#{booking.id:012d}", "sk": "META", "owner_sort": f"{booking.id:012d}"}

    @staticmethod
    def _validate(booking: Booking) -> None:
        """The ledger's own rules, whichever API calls it: bounded windows, none overlapping another of
        the same booking (the overlap query relies on MAX_WINDOW)."""
        if not booking.slots:
            raise InvalidRequest("a reservation needs at least one window")
        by_station: dict[str, list] = {}
        for s in booking.slots:
            if not s.start < s.end or s.end - s.start > MAX_WINDOW:
                raise InvalidRequest(f"window {iso_ms(s.start)}–{iso_ms(s.end)} must have end after start and last at "
                                 f"most {MAX_WINDOW}")
            by_station.setdefault(s.gs_id, []).append(s)
        for gs, slots in by_station.items():
            slots.sort(key=lambda s: s.start)
            for a, b in zip(slots, slots[1:], strict=False):
                if b.start < a.end:
                    raise InvalidRequest(f"windows of one reservation overlap each other at ground station {gs}")

    def reserve(self, booking: Booking) -> None:
        """Reserve every slot of ``booking`` and store it, all or nothing. Raises SlotTaken."""
        self._validate(booking)
        windows = [(Window(gs_id=s.gs_id, start=s.start, end=s.end), s.id) for s in booking.slots]
        stations = sorted({w.gs_id for w, _ in windows})
        for attempt in range(MAX_ATTEMPTS):
            versions = {gs: self._lock_version(gs) for gs in stations}
            for w, _ in windows:
                taken = self.reservations(w.gs_id, w.start, w.end)
                if taken:
                    raise SlotTaken(w, taken[0])
            items = []
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
            for w, slot_id in windows:
                items.append({"Put": {
                    "TableName": self.table,
                    "Item": serialize({
                        "pk": f"STATION#{w.gs_id}", "sk": _res_sk(w, booking.id, slot_id),
                        "start": iso_ms(w.start), "end": iso_ms(w.end), "booking_id": booking.id,
                        "slot_id": slot_id, "source": booking.source,
                    }),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }})
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
            time.sleep(random.uniform(0.002, 0.02) * (1 + attempt))  # another writer won this station: re-read
        raise Unavailable("the ground station schedule is busy; retry the request")

    def cancel(self, booking_id: int, transform: Callable[[Booking], Booking | None]) -> Booking | None:
        """Store ``transform(current)`` (the cancelled booking) and free its reserved windows in one
        transaction, conditioned on the booking being unchanged since it was read; on a concurrent change
        re-read and apply ``transform`` again. ``transform`` returns None when there is nothing to do
        (already cancelled) and may raise a domain error. Returns the stored booking (None if unknown)."""
        for attempt in range(MAX_ATTEMPTS):
            booking = self.get_booking(booking_id)
            if booking is None:
                return None
            cancelled = transform(booking)
            if cancelled is None:
                return booking
            items = [{"Put": {
                "TableName": self.table,
                "Item": serialize(self._booking_item(cancelled)),
                "ConditionExpression": "#s = :s AND #u = :u",
                "ExpressionAttributeNames": {"#s": "status", "#u": "updated_at"},
                "ExpressionAttributeValues": {":s": value(booking.status),
                                              ":u": value(booking.model_dump(mode="json")["updated_at"])},
            }}]
            for s in booking.slots:
                if s.status == "Cancelled":
                    continue
                w = Window(gs_id=s.gs_id, start=s.start, end=s.end)
                key = {"pk": value(f"STATION#{s.gs_id}"), "sk": value(_res_sk(w, booking.id, s.id))}
                items.append({"Delete": {"TableName": self.table, "Key": key}})
            try:
                ddb().transact_write_items(TransactItems=items)
                return cancelled
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _RETRYABLE:
                    raise
            time.sleep(random.uniform(0.002, 0.02) * (1 + attempt))  # changed underneath: read again
        raise Unavailable(f"booking {booking_id} is being changed concurrently; retry the request")


@lru_cache(maxsize=1)
def ledger_repository() -> LedgerRepository:
    return DynamoLedgerRepository()
