"""Station heartbeats in table ``stations``: ``STATION#<gs_id>`` / ``HEARTBEAT`` with ``last_seen_at`` (only
moves forward)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, serialize, table_name, value
from shared.domain.stations.ports import HeartbeatStore
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
