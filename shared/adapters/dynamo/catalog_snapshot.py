"""The catalogue's published satellite listing on DynamoDB (table ``catalog``), so that reads at catalogue scale
never read the satellite partition:

  SNAPSHOT            / META            the published listing: its id and chunk count, the previous one's,
                                        ``version`` (bumped by every single satellite write) and ``dirty`` (the
                                        NORAD ids written one by one since it was built)
  SNAPSHOT#<id>       / <chunk:04d>     the listing's body (``catalog_columns``: gzip, the search columns then one
                                        line per row's element set), in chunks of 350 KB, read by key

A bulk ingestion publishes a new snapshot when it ends; single writes mark their satellite dirty; a reader loads a
snapshot once per id, overlays the dirty rows, and builds a row's ``Satellite`` only when a request returns it.
"""

from __future__ import annotations

import gc
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, deserialize, value
from shared.adapters.dynamo.catalog_columns import SnapshotListing, decode_listing, encode_listing, satellite_row
from shared.domain.catalog.models import Satellite
from shared.domain.errors import Unavailable

SNAPSHOT_META = {"pk": {"S": "SNAPSHOT"}, "sk": {"S": "META"}}
CHUNK_BYTES = 350_000  # a DynamoDB item holds 400 KB
BATCH_ATTEMPTS = 8


def _sat_key(norad_id: int) -> dict[str, Any]:
    return {"pk": value("SATELLITE"), "sk": value(f"{norad_id:09d}")}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a snapshot's objects are built (none of them form cycles): its
    passes over a large heap — the local runtime shares its process with the emulator — would cost more than
    building them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def stored_row(row: dict[str, Any]) -> dict[str, Any]:
    """A snapshot row as it is stored (the element set back to its one string)."""
    if isinstance(row.get("tle"), list):
        row["tle"] = json.dumps(row["tle"], separators=(",", ":"))
    return row


def failed_condition(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


def retry_batches(call: Callable[[dict[str, Any]], dict[str, Any]], request: dict[str, Any], leftover: str) -> None:
    """Run a batch request until DynamoDB has processed all of it, retrying the unprocessed part with
    exponential backoff and jitter (50 ms doubling to 2 s)."""
    for attempt in range(BATCH_ATTEMPTS):
        answer = call(request)
        request = answer.get(leftover) or {}
        if not request:
            return
        time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random() / 2))
    raise Unavailable("DynamoDB left part of a batch unprocessed after retries; run the import again",
                      retry_after_s=2.0)


class CatalogSnapshot:
    def __init__(self, table: str) -> None:
        self.table = table
        self._snapshot: tuple[str, SnapshotListing] | None = None  # (id, listing) as last read
        self._listing: tuple[tuple[str, tuple[int, ...]], SnapshotListing] | None = None

    def meta(self) -> dict[str, Any]:
        resp = ddb().get_item(TableName=self.table, Key=SNAPSHOT_META, ConsistentRead=True)
        return deserialize(resp["Item"]) if "Item" in resp else {}

    def mark_dirty(self, norad_id: int) -> None:
        """A single write outside bulk ingestion: readers overlay this satellite's row until the next
        snapshot."""
        ddb().update_item(TableName=self.table, Key=SNAPSHOT_META, UpdateExpression="ADD #v :one, #d :id",
                          ExpressionAttributeNames={"#v": "version", "#d": "dirty"},
                          ExpressionAttributeValues={":one": value(1), ":id": {"NS": [str(norad_id)]}})

    def rows(self, norad_ids: list[int]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []

        def get(request: dict[str, Any]) -> dict[str, Any]:
            answer = ddb().batch_get_item(RequestItems=request)
            rows.extend(deserialize(i) for i in answer.get("Responses", {}).get(self.table, []))
            return answer  # type: ignore[no-any-return]

        for start in range(0, len(norad_ids), 100):
            keys = [_sat_key(n) for n in norad_ids[start:start + 100]]
            retry_batches(get, {self.table: {"Keys": keys}}, "UnprocessedKeys")
        return rows

    def blob(self, meta: dict[str, Any]) -> bytes | None:
        """The snapshot META names, by key (GetItems: a Query would cost as much as the table on the local
        emulator); None without a snapshot, or when it was replaced and deleted while being read."""
        snapshot_id, chunks = str(meta.get("snapshot", "")), int(meta.get("chunks", 0))
        if not snapshot_id:
            return None
        parts: dict[str, bytes] = {}

        def get(request: dict[str, Any]) -> dict[str, Any]:
            answer = ddb().batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table, []):
                parts[item["sk"]["S"]] = bytes(item["data"]["B"])
            return answer  # type: ignore[no-any-return]

        keys = [{"pk": value(f"SNAPSHOT#{snapshot_id}"), "sk": value(f"{n:04d}")} for n in range(chunks)]
        for start in range(0, len(keys), 40):  # 40 x 350 KB stays under a response's 16 MB
            retry_batches(get, {self.table: {"Keys": keys[start:start + 40]}}, "UnprocessedKeys")
        if len(parts) != chunks:
            return None
        return b"".join(parts[k] for k in sorted(parts))

    def publish(self, rows: dict[int, dict[str, Any]], version: int) -> None:
        """Write the satellite listing (``rows``: NORAD id -> stored row) as chunks of its body
        (``catalog_columns``) under a new id, then point META at it. The ``dirty`` ids are cleared only if no
        single write happened since ``version`` was read (else they stay, overlaid on the new snapshot, which is
        always correct). The snapshot before the previous one is deleted (a reader may still be reading the
        previous one)."""
        listing = [row for _, row in sorted(rows.items())]
        blob = encode_listing(listing)
        snapshot_id = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        chunks = [blob[i:i + CHUNK_BYTES] for i in range(0, len(blob), CHUNK_BYTES)]
        puts = [{"PutRequest": {"Item": {"pk": value(f"SNAPSHOT#{snapshot_id}"), "sk": value(f"{n:04d}"),
                                         "data": {"B": chunk}}}} for n, chunk in enumerate(chunks)]
        for start in range(0, len(puts), 10):
            retry_batches(lambda request: ddb().batch_write_item(RequestItems=request),  # type: ignore[no-any-return]
                           {self.table: puts[start:start + 10]}, "UnprocessedItems")
        before = self.meta()
        sets = "#s = :id, #c = :chunks, #n = :count, #p = :previous, #pc = :previous_chunks"
        values = {":id": value(snapshot_id), ":chunks": value(len(chunks)), ":count": value(len(listing)),
                  ":previous": value(before.get("snapshot", "")), ":previous_chunks": value(before.get("chunks", 0)),
                  ":v": value(version)}
        names = {"#s": "snapshot", "#c": "chunks", "#n": "count", "#p": "previous", "#pc": "previous_chunks",
                 "#v": "version"}
        try:
            ddb().update_item(TableName=self.table, Key=SNAPSHOT_META, UpdateExpression=f"SET {sets} REMOVE #d",
                              ConditionExpression="attribute_not_exists(#v) OR #v = :v",
                              ExpressionAttributeNames={**names, "#d": "dirty"}, ExpressionAttributeValues=values)
        except ClientError as exc:
            if not failed_condition(exc):
                raise
            values.pop(":v")
            names.pop("#v")
            ddb().update_item(TableName=self.table, Key=SNAPSHOT_META, UpdateExpression=f"SET {sets}",
                              ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        if before.get("previous"):
            self._delete(str(before["previous"]), int(before.get("previous_chunks", 0)))

    def _delete(self, snapshot_id: str, chunks: int) -> None:
        deletes = [{"DeleteRequest": {"Key": {"pk": value(f"SNAPSHOT#{snapshot_id}"), "sk": value(f"{n:04d}")}}}
                   for n in range(chunks)]
        for start in range(0, len(deletes), 25):
            retry_batches(lambda request: ddb().batch_write_item(RequestItems=request),  # type: ignore[no-any-return]
                           {self.table: deletes[start:start + 25]}, "UnprocessedItems")

    def listing(self, fallback: Callable[[], list[Satellite]]) -> Sequence[Satellite]:
        """Every satellite: the published snapshot with the dirty rows overlaid, one listing object per (snapshot,
        dirty rows) so callers may index it once; ``fallback()`` when there is no snapshot (yet)."""
        resp = ddb().get_item(TableName=self.table, Key=SNAPSHOT_META)
        meta = deserialize(resp["Item"]) if "Item" in resp else {}
        snapshot_id = str(meta.get("snapshot", ""))
        if self._snapshot is None or self._snapshot[0] != snapshot_id:
            blob = self.blob(meta)
            if blob is None:  # no snapshot yet, or replaced while being read: the partition, this once
                return fallback()
            with _collector_paused():  # a format-1 body is tens of thousands of new objects: no collection pass
                self._snapshot = (snapshot_id, decode_listing(blob))
            self._listing = None
        dirty = tuple(sorted(int(n) for n in meta.get("dirty") or ()))
        if self._listing is not None and self._listing[0] == (snapshot_id, dirty):
            return self._listing[1]
        listing = self._snapshot[1]
        if dirty:
            listing = listing.overlaid([Satellite.model_validate(satellite_row(row)) for row in self.rows(list(dirty))])
        self._listing = ((snapshot_id, dirty), listing)
        return listing
