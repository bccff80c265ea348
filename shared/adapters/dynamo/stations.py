"""Table ``stations``: heartbeats, ``STATION#<gs_id>`` / ``HEARTBEAT`` with ``last_seen_at`` (only moves forward),
and registry entries, ``STATION#<gs_id>`` / ``REGISTRY`` with the entry as JSON and its ``version`` (the
optimistic lock of every write)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, serialize, table_name, value
from shared.domain.stations.ports import HeartbeatStore, RegistryTransform, StationRegistryStore
from shared.domain.stations.registry import RegistryEntry
from shared.settings import get_settings
from shared.snapstart import after_restore
from shared.timefmt import iso_ms


class DynamoHeartbeatStore:
    def __init__(self) -> None:
        self.table = table_name("stations")

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


@lru_cache(maxsize=1)
def heartbeat_store() -> HeartbeatStore:
    return DynamoHeartbeatStore()


REGISTRY_SK = "REGISTRY"
MAX_ATTEMPTS = 8


class DynamoStationRegistry:
    """``list_entries`` (read where stations are listed, never by a booking check) is kept in the function's
    memory for ``catalog_cache_ttl_s`` seconds like the catalogue's reads: this process's own writes invalidate
    it at once, other writers are seen within the TTL. ``get`` and ``get_many`` always read."""

    def __init__(self, cache_ttl_s: float | None = None) -> None:
        self.table = table_name("stations")
        self.cache_ttl_s = get_settings().catalog_cache_ttl_s if cache_ttl_s is None else cache_ttl_s
        self._listing: tuple[float, list[RegistryEntry]] | None = None

    def _read(self, gs_id: str) -> RegistryEntry | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"STATION#{gs_id}"), "sk": value(REGISTRY_SK)},
                              ConsistentRead=True)
        return _entry(resp["Item"]) if "Item" in resp else None

    def get(self, gs_id: str) -> RegistryEntry | None:
        return self._read(gs_id)

    def get_many(self, gs_ids: Sequence[str]) -> dict[str, RegistryEntry | None]:
        """BatchGetItem (consistent reads), 100 keys a request; unprocessed keys are asked again with backoff."""
        out: dict[str, RegistryEntry | None] = dict.fromkeys(gs_ids)
        ids = list(dict.fromkeys(gs_ids))
        for lo in range(0, len(ids), 100):
            keys = [{"pk": value(f"STATION#{i}"), "sk": value(REGISTRY_SK)} for i in ids[lo:lo + 100]]
            request = {self.table: {"Keys": keys, "ConsistentRead": True}}
            for attempt in range(MAX_ATTEMPTS):
                resp = ddb().batch_get_item(RequestItems=request)
                for item in resp.get("Responses", {}).get(self.table, []):
                    e = _entry(item)
                    out[e.gs_id] = e
                request = resp.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(1.0, 0.05 * 2 ** attempt))
            else:
                raise RuntimeError("registry entries: the batch read kept coming back unprocessed")
        return out

    def list_entries(self) -> list[RegistryEntry]:
        now = time.monotonic()
        if self._listing is not None and now < self._listing[0]:
            return [e.model_copy(deep=True) for e in self._listing[1]]
        entries = self._scan_entries()
        if self.cache_ttl_s > 0:
            self._listing = (now + self.cache_ttl_s, [e.model_copy(deep=True) for e in entries])
        return entries

    def _scan_entries(self) -> list[RegistryEntry]:
        out = []
        kwargs = {"TableName": self.table, "FilterExpression": "sk = :sk", "ExpressionAttributeValues":
                  {":sk": value(REGISTRY_SK)}, "ConsistentRead": True}
        while True:
            resp = ddb().scan(**kwargs)
            out.extend(_entry(i) for i in resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return sorted(out, key=lambda e: (len(e.gs_id), e.gs_id))

    def update(self, gs_id: str, transform: RegistryTransform) -> RegistryEntry | None:
        self._listing = None
        for _ in range(MAX_ATTEMPTS):
            current = self._read(gs_id)
            after = transform(current)
            if after is None:
                return current
            version = (current.version if current else 0) + 1
            stored = after.model_copy(update={"gs_id": gs_id, "version": version})
            item = {"pk": value(f"STATION#{gs_id}"), "sk": value(REGISTRY_SK), "gs_id": value(gs_id),
                    "version": {"N": str(version)}, "entry": value(stored.model_dump_json())}
            try:
                if current is None:
                    ddb().put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")
                else:
                    ddb().put_item(TableName=self.table, Item=item, ConditionExpression="version = :v",
                                   ExpressionAttributeValues={":v": {"N": str(current.version)}})
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue  # written meanwhile: read again and re-apply
            self._listing = None
            return stored
        raise RuntimeError(f"registry entry of ground station {gs_id}: too many concurrent writes")


def _entry(item: dict) -> RegistryEntry:
    return RegistryEntry.model_validate({**json.loads(item["entry"]["S"]), "version": int(item["version"]["N"])})


@lru_cache(maxsize=1)
def station_registry() -> StationRegistryStore:
    return DynamoStationRegistry()


after_restore(station_registry.cache_clear)  # its listing cache expires on a clock that stood still in a snapshot
