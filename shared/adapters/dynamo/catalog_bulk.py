"""Bulk writes of the catalogue's satellite rows on DynamoDB (table ``catalog``) at a cost of one request per 25 rows:
one bulk ingestion at a time, rows written with ``BatchWriteItem``, and the single writes that raced with them
reconciled from a write log when the session ends.

  SNAPSHOT            / META                           ``bulk`` (the session holding the lease), ``bulk_until``
                                                       (epoch seconds; renewed while the session writes)
  WRITES              / <ms:013d>#<norad:09d>#<rand>   a single write of a satellite row, logged *before* it is
                                                       made: ``kind`` ``elset`` (an element set) or ``upsert``
                                                       (descriptive fields, kept in ``fields`` as JSON)

Why a newer element set is never overwritten for good: a bulk session writes a row unconditionally only when the
set it read at the start is older than its own, so the only writes it can overwrite are ones made after it read the
row — by a single writer (other bulk sessions wait for the lease). Every single writer logs its write before making
it, and the log is append-only while the session runs; when the session ends it reads the log back and, for each
satellite it wrote that a single write touched, makes the newest element set of the history current again with the
conditional update on the epoch (history is written before or with every current set), and re-applies logged
descriptive fields in log order. A single write logged after that read is made after the session's writes, so it
cannot have been overwritten. The log is read from ``LOOKBACK_MS`` before the session started (longer than any
request may be in flight, so a write logged earlier has landed before the session read the row) and pruned below
that when a session ends. (A descriptive update logged but then not made — its request failed — may still be
applied by such a repair: it is an idempotent upsert its caller retries anyway.)
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, query_all, value
from shared.adapters.dynamo.catalog_snapshot import SNAPSHOT_META, failed_condition, retry_batches
from shared.domain.errors import Unavailable

LOG_PK = "WRITES"
LEASE_NAMES = {"#b": "bulk", "#bu": "bulk_until"}
LEASE_S = 120.0  # a session that stops writing for this long (its process died) loses the lease
RENEW_S = 30.0
WAIT_S = 300.0  # how long a second bulk ingestion waits for the first before giving up
LOOKBACK_MS = 15 * 60 * 1000  # Lambda's longest run: no single write can take longer to land
WRITERS = 4  # concurrent batch requests: DynamoDB's latency overlaps, the emulator's CPU is shared
Repair = Callable[[int, dict[str, Any]], None]


def log_write(table: str, norad_id: int, kind: str, fields: dict[str, Any] | None = None) -> None:
    """Record a single write of satellite ``norad_id`` before making it (see the module's docstring)."""
    item = {"pk": value(LOG_PK), "sk": value(f"{time.time_ns() // 1_000_000:013d}#{norad_id:09d}#"
                                             f"{uuid.uuid4().hex[:8]}"), "kind": value(kind)}
    if fields is not None:
        item["fields"] = value(json.dumps(fields, separators=(",", ":"), default=str))
    ddb().put_item(TableName=table, Item=item)


def batch_put(table: str, items: list[dict[str, Any]]) -> None:
    """Serialized items in ``BatchWriteItem``s of 25, ``WRITERS`` at a time, unprocessed items retried with backoff."""
    batches = [items[i:i + 25] for i in range(0, len(items), 25)]

    def write(batch: list[dict[str, Any]]) -> None:
        retry_batches(lambda request: ddb().batch_write_item(RequestItems=request),  # type: ignore[no-any-return]
                      {table: [{"PutRequest": {"Item": item}} for item in batch]}, "UnprocessedItems")

    if len(batches) <= 1:
        for batch in batches:
            write(batch)
        return
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for _ in pool.map(write, batches):
            pass


@dataclass
class BulkSession:
    """The lease held by one bulk ingestion and what it wrote."""

    table: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_ms: int = field(default_factory=lambda: time.time_ns() // 1_000_000)
    written: set[int] = field(default_factory=set)  # satellite rows written unconditionally
    unreconciled: set[int] = field(default_factory=set)  # ... since the last reconcile
    seen: set[str] = field(default_factory=set)  # log entries already reconciled
    renewed_at: float = 0.0

    # -- the lease -----------------------------------------------------------------------------------
    def acquire(self, wait_s: float = WAIT_S) -> None:
        deadline = time.monotonic() + wait_s
        while not self._take("attribute_not_exists(#b) OR #bu < :now"):
            if time.monotonic() > deadline:
                raise Unavailable("another bulk import of the catalogue is still running; try again when it ends",
                                  retry_after_s=LEASE_S)
            time.sleep(0.5 + random.random() / 2)
        self.renewed_at = time.monotonic()

    def renew(self) -> None:
        """Called before each write; extends the lease every ``RENEW_S`` seconds."""
        if time.monotonic() - self.renewed_at < RENEW_S:
            return
        if not self._take("#b = :run"):
            raise Unavailable("the bulk import stopped writing for too long and another one took over; run it again "
                              "(what was stored stays)", retry_after_s=LEASE_S)
        self.renewed_at = time.monotonic()

    def _take(self, condition: str) -> bool:
        now = time.time()
        try:
            ddb().update_item(TableName=self.table, Key=SNAPSHOT_META, UpdateExpression="SET #b = :run, #bu = :until",
                              ConditionExpression=condition, ExpressionAttributeNames=LEASE_NAMES,
                              ExpressionAttributeValues={":run": value(self.run), ":until": value(int(now + LEASE_S)),
                                                         **({":now": value(int(now))} if ":now" in condition else {})})
        except ClientError as exc:
            if failed_condition(exc):
                return False
            raise
        return True

    def release(self) -> None:
        self._prune()
        try:
            ddb().update_item(TableName=self.table, Key=SNAPSHOT_META, UpdateExpression="REMOVE #b, #bu",
                              ConditionExpression="#b = :run", ExpressionAttributeNames=LEASE_NAMES,
                              ExpressionAttributeValues={":run": value(self.run)})
        except ClientError as exc:
            if not failed_condition(exc):  # taken over after it expired: nothing of ours to remove
                raise

    # -- the writes that raced with this session -----------------------------------------------------
    def wrote(self, norad_ids: set[int]) -> None:
        self.written |= norad_ids
        self.unreconciled |= norad_ids

    def reconcile(self, restore_newest: Callable[[int], None], reapply: Repair) -> set[int]:
        """Repair every satellite this session wrote that a logged single write touched (see the module's
        docstring); the NORAD ids repaired. Rounds until the log holds nothing new."""
        repaired: set[int] = set()
        for _ in range(10):
            entries = self._log(since_ms=self.started_ms - LOOKBACK_MS)
            fresh = [e for e in entries if e["sk"] not in self.seen]
            for entry in entries:  # in log order
                norad_id = int(entry["sk"].split("#")[1])
                if norad_id in self.written and (entry["sk"] not in self.seen or norad_id in self.unreconciled):
                    if entry.get("kind") == "upsert":
                        reapply(norad_id, json.loads(entry.get("fields") or "{}"))
                    else:
                        restore_newest(norad_id)
                    repaired.add(norad_id)
                self.seen.add(entry["sk"])
            self.unreconciled.clear()
            if not fresh:
                return repaired
        return repaired

    def _log(self, since_ms: int) -> list[dict[str, Any]]:
        return query_all(TableName=self.table, KeyConditionExpression="pk = :pk AND sk >= :since", ConsistentRead=True,
                         ExpressionAttributeValues={":pk": value(LOG_PK), ":since": value(f"{since_ms:013d}")})

    def _prune(self) -> None:
        """Drop the entries no later session can need (older than its look-back)."""
        old = query_all(TableName=self.table, KeyConditionExpression="pk = :pk AND sk < :before",
                        ProjectionExpression="pk, sk", ExpressionAttributeValues={
                            ":pk": value(LOG_PK), ":before": value(f"{self.started_ms - LOOKBACK_MS:013d}")})
        deletes = [{"DeleteRequest": {"Key": {"pk": value(LOG_PK), "sk": value(e["sk"])}}} for e in old]
        for start in range(0, len(deletes), 25):
            retry_batches(lambda request: ddb().batch_write_item(RequestItems=request),  # type: ignore[no-any-return]
                          {self.table: deletes[start:start + 25]}, "UnprocessedItems")
