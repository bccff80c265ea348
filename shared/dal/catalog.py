"""Catalogue data access: one interface, one DynamoDB implementation (single table ``catalog``).

Items (pk / sk):
  STATION#<id>        / META                      kind=station
  SAT#<norad:09d>     / META                      kind=satellite, current element set in ``tle``
  SAT#<norad:09d>     / ELSET#<epoch>#<digest>    element-set history, never overwritten
  TX#<uuid>           / META                      kind=transmitter
  SPACECRAFT#<id>     / META                      kind=spacecraft
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Literal, Protocol

from botocore.exceptions import ClientError

from shared.dal.dynamo import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.models.catalog import ElementSetRecord, Satellite, Spacecraft, Station, Transmitter

AddResult = Literal["current", "history", "duplicate"]


def _sat_pk(norad_id: int) -> str:
    return f"SAT#{norad_id:09d}"


def _sort_id(identifier: str) -> str:
    return identifier.zfill(12) if identifier.isdigit() else identifier


class CatalogRepository(Protocol):
    def put_station(self, station: Station) -> None: ...
    def get_station(self, station_id: str) -> Station | None: ...
    def list_stations(self) -> list[Station]: ...
    def upsert_satellite(self, satellite: Satellite) -> None: ...
    def get_satellite(self, norad_id: int) -> Satellite | None: ...
    def list_satellites(self) -> list[Satellite]: ...
    def add_element_set(self, record: ElementSetRecord) -> AddResult: ...
    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]: ...
    def put_transmitter(self, transmitter: Transmitter) -> None: ...
    def list_transmitters(self) -> list[Transmitter]: ...
    def put_spacecraft(self, spacecraft: Spacecraft) -> None: ...
    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None: ...
    def list_spacecraft(self) -> list[Spacecraft]: ...


class DynamoCatalogRepository:
    def __init__(self) -> None:
        self.table = table_name("catalog")

    # -- generic ------------------------------------------------------------------------------------
    def _put(self, pk: str, kind: str, sort: str, body: dict) -> None:
        item = {"pk": pk, "sk": "META", "kind": kind, "kind_sort": sort, **body}
        ddb().put_item(TableName=self.table, Item=serialize(item))

    def _get(self, pk: str, sk: str = "META") -> dict | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(pk), "sk": value(sk)})
        return deserialize(resp["Item"]) if "Item" in resp else None

    def _kind(self, kind: str) -> list[dict]:
        return query_all(
            TableName=self.table,
            IndexName="by_kind",
            KeyConditionExpression="#k = :k",
            ExpressionAttributeNames={"#k": "kind"},
            ExpressionAttributeValues={":k": value(kind)},
        )

    # -- stations -----------------------------------------------------------------------------------
    def put_station(self, station: Station) -> None:
        self._put(f"STATION#{station.id}", "station", _sort_id(station.id), station.model_dump())

    def get_station(self, station_id: str) -> Station | None:
        item = self._get(f"STATION#{station_id}")
        return Station.model_validate(item) if item else None

    def list_stations(self) -> list[Station]:
        return [Station.model_validate(i) for i in self._kind("station")]

    # -- satellites and element sets ----------------------------------------------------------------
    def upsert_satellite(self, satellite: Satellite) -> None:
        """Create or update descriptive fields; never touches the current element set."""
        body = satellite.model_dump(exclude={"tle"}, exclude_none=True)
        names = sorted(body)
        ddb().update_item(
            TableName=self.table,
            Key={"pk": value(_sat_pk(satellite.norad_id)), "sk": value("META")},
            UpdateExpression="SET #kind = :kind, #sort = :sort, "
            + ", ".join(f"#f{i} = :v{i}" for i in range(len(names))),
            ExpressionAttributeNames={"#kind": "kind", "#sort": "kind_sort",
                                      **{f"#f{i}": n for i, n in enumerate(names)}},
            ExpressionAttributeValues={
                ":kind": value("satellite"),
                ":sort": value(f"{satellite.norad_id:09d}"),
                **{f":v{i}": value(body[n]) for i, n in enumerate(names)},
            },
        )

    def get_satellite(self, norad_id: int) -> Satellite | None:
        item = self._get(_sat_pk(norad_id))
        return Satellite.model_validate(item) if item else None

    def list_satellites(self) -> list[Satellite]:
        return [Satellite.model_validate(i) for i in self._kind("satellite")]

    def add_element_set(self, record: ElementSetRecord) -> AddResult:
        """Append to the history; make it current if its epoch is the newest. One transaction each way,
        so history and the current pointer never disagree; importing the same set twice is a no-op."""
        digest = hashlib.sha256(f"{record.line1}\n{record.line2}".encode()).hexdigest()[:16]
        epoch_key = record.epoch.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = record.model_dump(mode="json")
        history_put = {
            "Put": {
                "TableName": self.table,
                "Item": serialize({"pk": _sat_pk(record.norad_id), "sk": f"ELSET#{epoch_key}#{digest}", **body}),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        key = {"pk": value(_sat_pk(record.norad_id)), "sk": value("META")}
        base_values = {
            ":kind": value("satellite"),
            ":sort": value(f"{record.norad_id:09d}"),
            ":norad": value(record.norad_id),
            ":name": value(record.name or str(record.norad_id)),
            ":status": value("alive"),
        }
        ensure = (
            "#k = :kind, #ks = :sort, #id = :norad, #n = if_not_exists(#n, :name), "
            "#ns = if_not_exists(#ns, :name), #s = if_not_exists(#s, :status)"
        )
        names = {"#k": "kind", "#ks": "kind_sort", "#id": "norad_id", "#n": "name", "#ns": "names", "#s": "status"}
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
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
            ExpressionAttributeValues={":pk": value(_sat_pk(norad_id)), ":p": value("ELSET#")},
        )
        return [ElementSetRecord.model_validate(i) for i in items]

    # -- transmitters -------------------------------------------------------------------------------
    def put_transmitter(self, transmitter: Transmitter) -> None:
        self._put(f"TX#{transmitter.uuid}", "transmitter", transmitter.uuid, transmitter.model_dump())

    def list_transmitters(self) -> list[Transmitter]:
        return [Transmitter.model_validate(i) for i in self._kind("transmitter")]

    # -- spacecraft ---------------------------------------------------------------------------------
    def put_spacecraft(self, spacecraft: Spacecraft) -> None:
        self._put(f"SPACECRAFT#{spacecraft.spacecraft_id}", "spacecraft", spacecraft.spacecraft_id,
                  spacecraft.model_dump())

    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None:
        item = self._get(f"SPACECRAFT#{spacecraft_id}")
        return Spacecraft.model_validate(item) if item else None

    def list_spacecraft(self) -> list[Spacecraft]:
        return [Spacecraft.model_validate(i) for i in self._kind("spacecraft")]


@lru_cache(maxsize=1)
def catalog_repository() -> CatalogRepository:
    return DynamoCatalogRepository()
