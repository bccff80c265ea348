"""The catalogue store (``shared.domain.catalog.ports.CatalogStore``) on DynamoDB (single table ``catalog``).

Items (pk / sk) — one partition per kind, so a listing is one Query and a lookup one GetItem:
  STATION             / <id>
  SATELLITE           / <norad:09d>               current element set in ``tle``
  ELSET#<norad:09d>   / <epoch>#<digest>          element-set history, never overwritten (``history_item``)
  WRITES              / <ms>#<norad>#<rand>       the single writes' log (``catalog_bulk``)
  TRANSMITTER         / <uuid>
  SPACECRAFT          / <id>
  SNAPSHOT…                                       the published listing (``catalog_snapshot``)

Bulk ingestion (``BulkCatalogStore``) runs in a session (one at a time): it reads the satellite rows once,
writes history rows and the satellite rows whose current set moves with BatchWriteItem, and reconciles the
single writes that raced with it when it ends (``catalog_bulk``: single writers log each write first). Each
bulk run ends by publishing a new snapshot, which ``list_satellites`` reads (cached by id) with the ``dirty``
rows overlaid: no request reads the whole satellite partition.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.catalog_bulk import BulkSession, batch_put, log_write
from shared.adapters.dynamo.catalog_columns import compact_tle, decode_listing, expanded_tle, satellite_row
from shared.adapters.dynamo.catalog_snapshot import CatalogSnapshot, failed_condition, retry_batches, stored_row
from shared.domain.catalog.ingestion import EPOCH_FORMAT, cospar_id, element_set_key
from shared.domain.catalog.models import ElementSetRecord, Satellite, Spacecraft, Station, Transmitter
from shared.domain.catalog.ports import AddResult, BulkCatalogStore
from shared.settings import get_settings
from shared.snapstart import after_restore


def _sat_key(norad_id: int) -> dict:
    return {"pk": value("SATELLITE"), "sk": value(f"{norad_id:09d}")}


def _digest(line1: str, line2: str) -> str:
    return hashlib.sha256(f"{line1}\n{line2}".encode()).hexdigest()[:16]


def history_item(record: ElementSetRecord) -> dict[str, Any]:
    """A history row, serialized: the key names the satellite and the epoch, ``r`` holds the rest as one JSON
    string (one attribute instead of eight: a third of the bytes, and far less work per row for the store)."""
    rest = [record.name, record.line1, record.line2, record.source, record.uploaded_by,
            record.uploaded_at.isoformat()]
    return {"pk": {"S": f"ELSET#{record.norad_id:09d}"}, "sk": {"S": element_set_key(record)},
            "r": {"S": json.dumps(rest, separators=(",", ":"))}}


def history_record(item: dict[str, Any]) -> ElementSetRecord:
    """A history row (deserialized) as the record; rows written before ``r`` existed hold each field."""
    if "r" not in item:
        return ElementSetRecord.model_validate(item)
    name, line1, line2, source, uploaded_by, uploaded_at = json.loads(item["r"])
    return ElementSetRecord(norad_id=int(item["pk"].removeprefix("ELSET#")), name=name, line1=line1, line2=line2,
                            epoch=datetime.strptime(item["sk"].split("#", 1)[0], EPOCH_FORMAT).replace(tzinfo=UTC),
                            source=source, uploaded_by=uploaded_by, uploaded_at=uploaded_at)


def _current_key(row: dict[str, Any]) -> str:
    tle = expanded_tle(row)
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
        self._bulk: BulkSession | None = None  # the bulk ingestion session this repository runs, if any

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
        body = satellite.model_dump(exclude={"tle"}, exclude_none=True)
        log_write(self.table, satellite.norad_id, "upsert", body)
        self._update_fields(satellite.norad_id, body)
        self._mark_dirty(satellite.norad_id)

    def _update_fields(self, norad_id: int, body: dict[str, Any]) -> None:
        self._written()
        names = sorted(body)
        ddb().update_item(
            TableName=self.table,
            Key=_sat_key(norad_id),
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(names))) + " ADD #rev :one",
            ExpressionAttributeNames={**{f"#f{i}": n for i, n in enumerate(names)}, "#rev": "rev"},
            ExpressionAttributeValues={**{f":v{i}": value(body[n]) for i, n in enumerate(names)}, ":one": value(1)},
        )

    def get_satellite(self, norad_id: int) -> Satellite | None:
        item = self._get("SATELLITE", f"{norad_id:09d}")
        return Satellite.model_validate(satellite_row(item)) if item else None

    def current_element_sets(self, norad_ids: Sequence[int]) -> dict[int, ElementSetRecord]:
        """The current element set of each satellite among ``norad_ids`` that has one, named after the satellite
        when the set carries no name: rows in the read cache as they are, the others in BatchGetItems of 100 keys
        reading only the row's name and element set (a job of 100 satellites: one round trip instead of 100, and
        a few attributes a row instead of all of them), kept in the read cache like the whole rows."""
        now = time.monotonic()
        rows: dict[int, dict[str, Any]] = {}
        missing: list[int] = []
        for norad_id in dict.fromkeys(norad_ids):
            key = f"{norad_id:09d}"
            hit = self._cache.get(("SATELLITE", key)) or self._cache.get(("ELEMENT_SET", key))
            if hit is not None and hit[0] > now:
                rows[norad_id] = hit[1]  # type: ignore[assignment]
            else:
                missing.append(norad_id)

        def get(request: dict[str, Any]) -> dict[str, Any]:
            answer = ddb().batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table, []):
                row = deserialize(item)
                rows[int(row["sk"])] = row
                if self.cache_ttl_s > 0:  # the projected row, apart from the whole rows get_satellite caches
                    self._cache[("ELEMENT_SET", row["sk"])] = (now + self.cache_ttl_s, row)
            return answer  # type: ignore[no-any-return]

        for start in range(0, len(missing), 100):
            retry_batches(get, {self.table: {
                "Keys": [_sat_key(n) for n in missing[start:start + 100]],
                "ProjectionExpression": "sk, norad_id, #name, tle, tle_epoch",
                "ExpressionAttributeNames": {"#name": "name"}}}, "UnprocessedKeys")
        out: dict[int, ElementSetRecord] = {}
        for norad_id, row in rows.items():
            tle = expanded_tle(row)
            if tle is not None:
                record = ElementSetRecord.model_validate(tle)
                out[norad_id] = record if record.name else record.model_copy(update={"name": row.get("name")})
        return out

    def list_satellites(self) -> Sequence[Satellite]:
        """From the published snapshot with the rows written since overlaid (its satellites built as they are read,
        its columns searched without building any: ``catalog_columns``); without a snapshot (a catalogue never
        bulk-loaded) from the satellite partition."""
        return self._cached(("SATELLITES",), self._read_listing)  # type: ignore[no-any-return]

    def add_element_set(self, record: ElementSetRecord) -> AddResult:
        """Append to the history; make it current if its epoch is the newest. One transaction each way,
        so history and the current pointer never disagree; importing the same set twice is a no-op."""
        self._written()
        log_write(self.table, record.norad_id, "elset")  # before the write: a bulk session reconciles it
        epoch_key = record.epoch.strftime(EPOCH_FORMAT)
        history_put = {
            "Put": {
                "TableName": self.table,
                "Item": history_item(record),
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
                "ExpressionAttributeValues": {**base_values, ":tle": value(compact_tle(record)),
                                              ":epoch": value(epoch_key)},
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
    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        """One bulk ingestion at a time (a lease; a second one waits for it); its satellite rows are written in
        batches, and the single writes that raced with them are reconciled when it ends
        (``shared.adapters.dynamo.catalog_bulk``). Nested sessions are the outer one."""
        if self._bulk is not None:
            yield
            return
        session = BulkSession(self.table)
        session.acquire()
        self._bulk = session
        try:
            yield
        finally:
            try:
                self._reconcile()
            finally:
                self._bulk = None
                session.release()

    def _reconcile(self) -> None:
        session = self._bulk
        if session is None or not session.written:
            return
        repaired = session.reconcile(self._restore_newest, self._update_fields)
        if repaired:
            self._written()
            if self._rows is not None:
                for row in self.snapshots.rows(sorted(repaired)):
                    self._rows[int(row["norad_id"])] = row

    def load_current(self) -> dict[int, str]:
        """From the published snapshot with the rows written since overlaid (a few GetItems, whatever the
        table holds); without one, from the satellite partition."""
        meta = self._meta()
        self._loaded_version = meta.get("version", 0)
        blob = self.snapshots.blob(meta)
        if blob is None:
            rows = query_all(TableName=self.table, KeyConditionExpression="pk = :k",
                             ExpressionAttributeValues={":k": value("SATELLITE")})
            self._rows = {int(r["sk"]): r for r in rows}
        else:
            self._rows = {int(r["norad_id"]): stored_row(r) for r in decode_listing(blob).rows()}
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
        if self._bulk is not None:
            self._bulk.renew()
        batch_put(self.table, [history_item(r) for r in records])

    def advance_current(self, records: Sequence[ElementSetRecord]) -> set[int]:
        """Each record becomes its satellite's row's current set when the set read at the start is older: the rows
        go in batches, a concurrent newer set is restored when the session ends."""
        if self._bulk is None:
            with self.bulk_session():
                return self.advance_current(records)
        self._written()
        self._bulk.renew()
        rows = self._rows if self._rows is not None else {}
        items: dict[int, dict[str, Any]] = {}
        for record in records:
            row = rows.get(record.norad_id)
            epoch = record.epoch.strftime(EPOCH_FORMAT)
            if row is not None and row.get("tle_epoch", "") >= epoch:
                continue  # the set read is already as new
            name = record.name or str(record.norad_id)
            item: dict[str, Any] = {"pk": "SATELLITE", "sk": f"{record.norad_id:09d}", "norad_id": record.norad_id,
                                    "name": name, "names": name, "status": "alive",
                                    "cospar_id": cospar_id(record.line1)}
            for attribute, stored in (row or {}).items():
                if stored is not None and stored != "":
                    item[attribute] = stored
            item.update(tle=compact_tle(record), tle_epoch=epoch, rev=int((row or {}).get("rev", 0)) + 1)
            items[record.norad_id] = item
        self._bulk.wrote(set(items))  # before writing: an interrupted batch is reconciled too
        batch_put(self.table, [serialize(item) for item in items.values()])
        rows.update(items)
        return set(items)

    def _restore_newest(self, norad_id: int) -> None:
        """The newest set of the satellite's history becomes current again unless the row holds a newer one."""
        page = ddb().query(TableName=self.table, KeyConditionExpression="pk = :pk", ScanIndexForward=False, Limit=1,
                           ConsistentRead=True, ExpressionAttributeValues={":pk": value(f"ELSET#{norad_id:09d}")})
        if page.get("Items"):
            self._advance_one(history_record(deserialize(page["Items"][0])))

    def _advance_one(self, record: ElementSetRecord) -> bool:
        """The current set moves only if its epoch is still older."""
        epoch_key = record.epoch.strftime(EPOCH_FORMAT)
        ensure, names, values = self._ensure(record)
        try:
            ddb().update_item(
                TableName=self.table, Key=_sat_key(record.norad_id),
                UpdateExpression=f"SET {ensure}, #tle = :tle, #te = :epoch ADD #rev :one",
                ConditionExpression="attribute_not_exists(#te) OR #te < :epoch",
                ExpressionAttributeNames={**names, "#tle": "tle", "#te": "tle_epoch"},
                ExpressionAttributeValues={**values, ":tle": value(compact_tle(record)),
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
        """Descriptive fields of many satellites, in batches (each row as read at the start with the fields set);
        the current set of a row a single write advanced meanwhile is restored when the session ends."""
        if self._bulk is None:
            with self.bulk_session():
                self.upsert_satellites(satellites)
            return
        self._written()
        self._bulk.renew()
        if self._rows is None:
            self.load_current()
        rows = self._rows if self._rows is not None else {}
        items: dict[int, dict[str, Any]] = {}
        for satellite in satellites:
            row = rows.get(satellite.norad_id)
            items[satellite.norad_id] = {**(row or {}), "pk": "SATELLITE", "sk": f"{satellite.norad_id:09d}",
                                         **satellite.model_dump(exclude={"tle"}, exclude_none=True),
                                         "rev": int((row or {}).get("rev", 0)) + 1}
        self._bulk.wrote(set(items))
        batch_put(self.table, [serialize(item) for item in items.values()])
        rows.update(items)

    # -- the published listing (shared.adapters.dynamo.catalog_snapshot) ---------------------------
    def _meta(self) -> dict[str, Any]:
        return self.snapshots.meta()

    def _mark_dirty(self, norad_id: int) -> None:
        self.snapshots.mark_dirty(norad_id)

    def publish_snapshot(self) -> None:
        self._reconcile()  # in a session: the rows a raced single write touched, as they are now
        if self._rows is None:
            self.load_current()
        assert self._rows is not None
        self.snapshots.publish(self._rows, self._loaded_version or 0)
        self._cache.clear()

    def _read_listing(self) -> Sequence[Satellite]:
        return self.snapshots.listing(lambda: [Satellite.model_validate(satellite_row(i))
                                                      for i in self._kind("SATELLITE")])

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        items = query_all(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": value(f"ELSET#{norad_id:09d}")},
        )
        return [history_record(i) for i in items]

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
