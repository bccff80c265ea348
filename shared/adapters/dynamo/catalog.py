"""The catalogue store (``shared.domain.catalog.ports.CatalogStore``) on DynamoDB (single table ``catalog``).

Items (pk / sk) — one partition per kind, so a listing is one Query and a lookup one GetItem:
  STATION             / <id>
  SATELLITE           / <norad:09d>               current element set in ``tle``
  ELSET#<norad:09d>   / <epoch>#<digest>          element-set history, never overwritten
  TRANSMITTER         / <uuid>
  SPACECRAFT          / <id>
  SNAPSHOT…                                       the published listing (``catalog_snapshot``)

Bulk ingestion (``BulkCatalogStore``) reads the satellite rows once, writes history with BatchWriteItem and
moves each current set with one conditional PutItem of the whole row (condition: the row's ``rev`` is still
the one read; every writer of a satellite row bumps ``rev``), falling back to the conditional UpdateItem on
the epoch when someone else wrote the row meanwhile. Each bulk run ends by publishing a new snapshot, which
``list_satellites`` reads (cached by id) with the ``dirty`` rows overlaid: no request reads the whole
satellite partition.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.catalog_snapshot import CatalogSnapshot, failed_condition, retry_batches
from shared.domain.catalog.ingestion import EPOCH_FORMAT, cospar_id, element_set_key
from shared.domain.catalog.models import ElementSetRecord, Satellite, Spacecraft, Station, Transmitter
from shared.domain.catalog.ports import AddResult, BulkCatalogStore
from shared.settings import get_settings
from shared.snapstart import after_restore

WRITERS = 4  # concurrent requests of a bulk write: DynamoDB's latency overlaps, the emulator's CPU is shared


def _sat_key(norad_id: int) -> dict:
    return {"pk": value("SATELLITE"), "sk": value(f"{norad_id:09d}")}


def _digest(line1: str, line2: str) -> str:
    return hashlib.sha256(f"{line1}\n{line2}".encode()).hexdigest()[:16]


def _current_key(row: dict[str, Any]) -> str:
    tle = row.get("tle")
    if not isinstance(tle, dict) or not row.get("tle_epoch"):
        return ""
    return f"{row['tle_epoch']}#{_digest(tle.get('line1', ''), tle.get('line2', ''))}"


class DynamoCatalogRepository:  # implements BulkCatalogStore
    """Reference data changes rarely and is read on every request, so reads are kept in the
    function's memory for ``catalog_cache_ttl_s`` seconds (0 disables); this process's own writes
    invalidate at once, other writers are seen within the TTL. Misses are never cached."""

    def __init__(self, cache_ttl_s: float | None = None) -> None:
        self.table = table_name("catalog")
        self.cache_ttl_s = get_settings().catalog_cache_ttl_s if cache_ttl_s is None else cache_ttl_s
        self._cache: dict[tuple[str, ...], tuple[float, object]] = {}
        self._rows: dict[int, dict[str, Any]] | None = None  # bulk ingestion: the satellite rows as read/written
        self._loaded_version: int | None = None  # SNAPSHOT/META version when they were read
        self.snapshots = CatalogSnapshot(self.table)

    # -- generic ------------------------------------------------------------------------------------
    def _cached(self, key: tuple[str, ...], load):
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        result = load()
        if result is not None and self.cache_ttl_s > 0:
            self._cache[key] = (now + self.cache_ttl_s, result)
        return result

    def _written(self) -> None:
        self._cache.clear()

    def _put(self, kind: str, key: str, body: dict) -> None:
        ddb().put_item(TableName=self.table, Item=serialize({"pk": kind, "sk": key, **body}))
        self._written()

    def _get(self, kind: str, key: str) -> dict | None:
        def load() -> dict | None:
            resp = ddb().get_item(TableName=self.table, Key={"pk": value(kind), "sk": value(key)})
            return deserialize(resp["Item"]) if "Item" in resp else None

        return self._cached((kind, key), load)

    def _kind(self, kind: str) -> list[dict]:
        return self._cached((kind,), lambda: query_all(
            TableName=self.table,
            KeyConditionExpression="pk = :k",
            ExpressionAttributeValues={":k": value(kind)},
        ))

    # -- stations -----------------------------------------------------------------------------------
    def put_station(self, station: Station) -> None:
        self._put("STATION", station.id, station.model_dump())

    def get_station(self, station_id: str) -> Station | None:
        item = self._get("STATION", station_id)
        return Station.model_validate(item) if item else None

    def list_stations(self) -> list[Station]:
        return [Station.model_validate(i) for i in self._kind("STATION")]

    # -- satellites and element sets ----------------------------------------------------------------
    def upsert_satellite(self, satellite: Satellite) -> None:
        """Create or update descriptive fields; never touches the current element set."""
        self._written()
        body = satellite.model_dump(exclude={"tle"}, exclude_none=True)
        names = sorted(body)
        ddb().update_item(
            TableName=self.table,
            Key=_sat_key(satellite.norad_id),
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(names))) + " ADD #rev :one",
            ExpressionAttributeNames={**{f"#f{i}": n for i, n in enumerate(names)}, "#rev": "rev"},
            ExpressionAttributeValues={**{f":v{i}": value(body[n]) for i, n in enumerate(names)}, ":one": value(1)},
        )
        self._mark_dirty(satellite.norad_id)

    def get_satellite(self, norad_id: int) -> Satellite | None:
        item = self._get("SATELLITE", f"{norad_id:09d}")
        return Satellite.model_validate(item) if item else None

    def list_satellites(self) -> list[Satellite]:
        """From the published snapshot with the rows written since overlaid; without a snapshot (a catalogue
        never bulk-loaded) from the satellite partition."""
        return self._cached(("SATELLITES",), self._read_listing)  # type: ignore[no-any-return]

    def add_element_set(self, record: ElementSetRecord) -> AddResult:
        """Append to the history; make it current if its epoch is the newest. One transaction each way,
        so history and the current pointer never disagree; importing the same set twice is a no-op."""
        self._written()
        epoch_key = record.epoch.strftime(EPOCH_FORMAT)
        body = record.model_dump(mode="json")
        history_put = {
            "Put": {
                "TableName": self.table,
                "Item": serialize({"pk": f"ELSET#{record.norad_id:09d}",
                                   "sk": element_set_key(record), **body}),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        key = _sat_key(record.norad_id)
        ensure, names, base_values = self._ensure(record)
        make_current = {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": f"SET {ensure}, #tle = :tle, #te = :epoch ADD #rev :one",
                "ConditionExpression": "attribute_not_exists(#te) OR #te < :epoch",
                "ExpressionAttributeNames": {**names, "#tle": "tle", "#te": "tle_epoch"},
                "ExpressionAttributeValues": {**base_values, ":tle": value(body), ":epoch": value(epoch_key)},
            }
        }
        try:
            ddb().transact_write_items(TransactItems=[history_put, make_current])
            self._mark_dirty(record.norad_id)
            return "current"
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = cancellation_reasons(exc)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return "duplicate"
        keep_meta = {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": f"SET {ensure} ADD #rev :one",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": base_values,
            }
        }
        try:
            ddb().transact_write_items(TransactItems=[history_put, keep_meta])
        except ClientError as exc:
            if cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
                return "duplicate"
            raise
        self._mark_dirty(record.norad_id)
        return "history"

    # -- bulk ingestion (BulkCatalogStore) ----------------------------------------------------------
    def load_current(self) -> dict[int, str]:
        """From the published snapshot with the rows written since overlaid (a few GetItems, whatever the
        table holds); without one, from the satellite partition. A row changed by a concurrent bulk run
        is caught by the conditional write (its ``rev`` differs)."""
        meta = self._meta()
        self._loaded_version = meta.get("version", 0)
        blob = self.snapshots.blob(meta)
        if blob is None:
            rows = query_all(TableName=self.table, KeyConditionExpression="pk = :k",
                             ExpressionAttributeValues={":k": value("SATELLITE")})
            self._rows = {int(r["sk"]): r for r in rows}
        else:
            self._rows = {int(r["norad_id"]): r for r in json.loads(gzip.decompress(blob))}
            for row in self.snapshots.rows(sorted(int(n) for n in meta.get("dirty") or ())):
                self._rows[int(row["norad_id"])] = row
        return {n: _current_key(r) for n, r in self._rows.items()}

    def stored_history_keys(self, records: Sequence[ElementSetRecord]) -> set[tuple[int, str]]:
        wanted = {(f"ELSET#{r.norad_id:09d}", element_set_key(r)) for r in records}
        keys = [{"pk": value(pk), "sk": value(sk)} for pk, sk in sorted(wanted)]
        found: set[tuple[int, str]] = set()

        def get(request: dict[str, Any]) -> dict[str, Any]:
            answer = ddb().batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table, []):
                found.add((int(item["pk"]["S"].removeprefix("ELSET#")), item["sk"]["S"]))
            return answer  # type: ignore[no-any-return]

        for start in range(0, len(keys), 100):
            retry_batches(get, {self.table: {"Keys": keys[start:start + 100], "ProjectionExpression": "pk, sk",
                                              "ConsistentRead": True}}, "UnprocessedKeys")
        return found

    def put_history(self, records: Sequence[ElementSetRecord]) -> None:
        self._written()
        items = [{"PutRequest": {"Item": serialize({"pk": f"ELSET#{r.norad_id:09d}", "sk": element_set_key(r),
                                                    **r.model_dump(mode="json")})}} for r in records]
        batches = [items[i:i + 25] for i in range(0, len(items), 25)]

        def write(batch: list[dict[str, Any]]) -> None:
            retry_batches(lambda request: ddb().batch_write_item(RequestItems=request),  # type: ignore[no-any-return]
                           {self.table: batch}, "UnprocessedItems")

        self._each(write, batches)

    def advance_current(self, records: Sequence[ElementSetRecord]) -> set[int]:
        self._written()
        rows = self._rows if self._rows is not None else {}
        advanced: set[int] = set()

        def advance(record: ElementSetRecord) -> None:
            row = rows.get(record.norad_id)
            name = record.name or str(record.norad_id)
            item: dict[str, Any] = {"pk": "SATELLITE", "sk": f"{record.norad_id:09d}", "norad_id": record.norad_id,
                                    "name": name, "names": name, "status": "alive",
                                    "cospar_id": cospar_id(record.line1)}
            for attribute, stored in (row or {}).items():
                if stored is not None and stored != "":
                    item[attribute] = stored
            item.update(tle=record.model_dump(mode="json"), tle_epoch=record.epoch.strftime(EPOCH_FORMAT),
                        rev=int((row or {}).get("rev", 0)) + 1)
            if row is not None and row.get("tle_epoch", "") >= item["tle_epoch"]:
                return  # the set read is already as new: someone advanced it meanwhile
            if self._put_row(item, row) or self._advance_one(record):
                rows[record.norad_id] = item
                advanced.add(record.norad_id)

        self._each(advance, list(records))
        return advanced

    def _advance_one(self, record: ElementSetRecord) -> bool:
        """The row changed since it was read: the current set moves only if its epoch is still older."""
        epoch_key = record.epoch.strftime(EPOCH_FORMAT)
        try:
            ddb().update_item(
                TableName=self.table, Key=_sat_key(record.norad_id),
                UpdateExpression=f"SET {self._ensure(record)[0]}, #tle = :tle, #te = :epoch ADD #rev :one",
                ConditionExpression="attribute_not_exists(#te) OR #te < :epoch",
                ExpressionAttributeNames={**self._ensure(record)[1], "#tle": "tle", "#te": "tle_epoch"},
                ExpressionAttributeValues={**self._ensure(record)[2], ":tle": value(record.model_dump(mode="json")),
                                           ":epoch": value(epoch_key)})
        except ClientError as exc:
            if failed_condition(exc):
                return False
            raise
        return True

    @staticmethod
    def _ensure(record: ElementSetRecord) -> tuple[str, dict[str, str], dict[str, Any]]:
        """The SET clause that names a satellite created from an element set (kept when already set)."""
        names = {"#id": "norad_id", "#n": "name", "#ns": "names", "#s": "status", "#rev": "rev"}
        values = {":norad": value(record.norad_id), ":name": value(record.name or str(record.norad_id)),
                  ":status": value("alive"), ":one": value(1)}
        clause = ("#id = :norad, #n = if_not_exists(#n, :name), #ns = if_not_exists(#ns, :name), "
                  "#s = if_not_exists(#s, :status)")
        cospar = cospar_id(record.line1)
        if cospar:
            names["#c"] = "cospar_id"
            values[":cospar"] = value(cospar)
            clause += ", #c = if_not_exists(#c, :cospar)"
        return clause, names, values

    def upsert_satellites(self, satellites: Sequence[Satellite]) -> None:
        self._written()
        rows = self._rows

        def upsert(satellite: Satellite) -> None:
            if rows is None:
                self.upsert_satellite(satellite)
                return
            row = rows.get(satellite.norad_id)
            item = {**(row or {}), "pk": "SATELLITE", "sk": f"{satellite.norad_id:09d}",
                    **satellite.model_dump(exclude={"tle"}, exclude_none=True),
                    "rev": int((row or {}).get("rev", 0)) + 1}
            if self._put_row(item, row):
                rows[satellite.norad_id] = item
            else:
                self.upsert_satellite(satellite)

        self._each(upsert, list(satellites))

    def _put_row(self, item: dict[str, Any], read: dict[str, Any] | None) -> bool:
        """Replace a satellite row only if it is still the one read (its ``rev``); False if it is not."""
        if read is None:
            condition, values = "attribute_not_exists(pk)", {}
        elif "rev" in read:
            condition, values = "#rev = :rev", {":rev": value(read["rev"])}
        else:
            condition, values = "attribute_not_exists(#rev)", {}
        kwargs: dict[str, Any] = {"TableName": self.table, "Item": serialize(item), "ConditionExpression": condition}
        if read is not None:
            kwargs["ExpressionAttributeNames"] = {"#rev": "rev"}
        if values:
            kwargs["ExpressionAttributeValues"] = values
        try:
            ddb().put_item(**kwargs)
        except ClientError as exc:
            if failed_condition(exc):
                return False
            raise
        return True

    @staticmethod
    def _each(work: Callable[[Any], None], items: list[Any]) -> None:
        if len(items) <= 1:
            for item in items:
                work(item)
            return
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            for _ in pool.map(work, items):
                pass

    # -- the published listing (shared.adapters.dynamo.catalog_snapshot) ---------------------------
    def _meta(self) -> dict[str, Any]:
        return self.snapshots.meta()

    def _mark_dirty(self, norad_id: int) -> None:
        self.snapshots.mark_dirty(norad_id)

    def publish_snapshot(self) -> None:
        if self._rows is None:
            self.load_current()
        assert self._rows is not None
        self.snapshots.publish(self._rows, self._loaded_version or 0)
        self._cache.clear()

    def _read_listing(self) -> list[Satellite]:
        return self.snapshots.listing(lambda: [Satellite.model_validate(i) for i in self._kind("SATELLITE")])

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        items = query_all(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": value(f"ELSET#{norad_id:09d}")},
        )
        return [ElementSetRecord.model_validate(i) for i in items]

    # -- transmitters -------------------------------------------------------------------------------
    def put_transmitter(self, transmitter: Transmitter) -> None:
        self._put("TRANSMITTER", transmitter.uuid, transmitter.model_dump())

    def list_transmitters(self) -> list[Transmitter]:
        return [Transmitter.model_validate(i) for i in self._kind("TRANSMITTER")]

    # -- spacecraft ---------------------------------------------------------------------------------
    def put_spacecraft(self, spacecraft: Spacecraft) -> None:
        self._put("SPACECRAFT", spacecraft.spacecraft_id, spacecraft.model_dump())

    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None:
        item = self._get("SPACECRAFT", spacecraft_id)
        return Spacecraft.model_validate(item) if item else None

    def list_spacecraft(self) -> list[Spacecraft]:
        return [Spacecraft.model_validate(i) for i in self._kind("SPACECRAFT")]


@lru_cache(maxsize=1)
def catalog_repository() -> BulkCatalogStore:
    return DynamoCatalogRepository()


after_restore(catalog_repository.cache_clear)  # its read cache expires on a clock that stood still in a snapshot
