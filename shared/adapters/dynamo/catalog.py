"""The catalogue store (``shared.domain.catalog.ports.CatalogStore``) on DynamoDB (single table ``catalog``).

Items (pk / sk) — one partition per kind, so a listing is one Query and a lookup one GetItem:
  STATION             / <id>
  SATELLITE           / <norad:09d>               current element set in ``tle``
  ELSET#<norad:09d>   / <epoch>#<digest>          element-set history, never overwritten
  TRANSMITTER         / <uuid>
  SPACECRAFT          / <id>
"""

from __future__ import annotations

import hashlib
import time
from functools import lru_cache

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.catalog.models import ElementSetRecord, Satellite, Spacecraft, Station, Transmitter
from shared.domain.catalog.ports import AddResult, CatalogStore
from shared.settings import get_settings


def _sat_key(norad_id: int) -> dict:
    return {"pk": value("SATELLITE"), "sk": value(f"{norad_id:09d}")}


"""Old name of the port, kept importable for the function groups that still use it (until they move to
``shared.domain.catalog``)."""


class DynamoCatalogRepository:
    """Reference data changes rarely and is read on every request, so reads are kept in the
    function's memory for ``catalog_cache_ttl_s`` seconds (0 disables); this process's own writes
    invalidate at once, other writers are seen within the TTL. Misses are never cached."""

    def __init__(self, cache_ttl_s: float | None = None) -> None:
        self.table = table_name("catalog")
        self.cache_ttl_s = get_settings().catalog_cache_ttl_s if cache_ttl_s is None else cache_ttl_s
        self._cache: dict[tuple[str, ...], tuple[float, object]] = {}

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
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(names))),
            ExpressionAttributeNames={f"#f{i}": n for i, n in enumerate(names)},
            ExpressionAttributeValues={f":v{i}": value(body[n]) for i, n in enumerate(names)},
        )

    def get_satellite(self, norad_id: int) -> Satellite | None:
        item = self._get("SATELLITE", f"{norad_id:09d}")
        return Satellite.model_validate(item) if item else None

    def list_satellites(self) -> list[Satellite]:
        return [Satellite.model_validate(i) for i in self._kind("SATELLITE")]

    def add_element_set(self, record: ElementSetRecord) -> AddResult:
        """Append to the history; make it current if its epoch is the newest. One transaction each way,
        so history and the current pointer never disagree; importing the same set twice is a no-op."""
        self._written()
        digest = hashlib.sha256(f"{record.line1}\n{record.line2}".encode()).hexdigest()[:16]
        epoch_key = record.epoch.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = record.model_dump(mode="json")
        history_put = {
            "Put": {
                "TableName": self.table,
                "Item": serialize({"pk": f"ELSET#{record.norad_id:09d}", "sk": f"{epoch_key}#{digest}", **body}),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        key = _sat_key(record.norad_id)
        base_values = {
            ":norad": value(record.norad_id),
            ":name": value(record.name or str(record.norad_id)),
            ":status": value("alive"),
        }
        ensure = (
            "#id = :norad, #n = if_not_exists(#n, :name), "
            "#ns = if_not_exists(#ns, :name), #s = if_not_exists(#s, :status)"
        )
        names = {"#id": "norad_id", "#n": "name", "#ns": "names", "#s": "status"}
        make_current = {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": f"SET {ensure}, #tle = :tle, #te = :epoch",
                "ConditionExpression": "attribute_not_exists(#te) OR #te < :epoch",
                "ExpressionAttributeNames": {**names, "#tle": "tle", "#te": "tle_epoch"},
                "ExpressionAttributeValues": {**base_values, ":tle": value(body), ":epoch": value(epoch_key)},
            }
        }
        try:
            ddb().transact_write_items(TransactItems=[history_put, make_current])
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
                "UpdateExpression": f"SET {ensure}",
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
        return "history"

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
def catalog_repository() -> CatalogStore:
    return DynamoCatalogRepository()
