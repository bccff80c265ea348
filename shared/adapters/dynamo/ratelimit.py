"""DynamoDB ``TokenBuckets`` (table ``ratelimit``).

Items: pk ``BUCKET#<key>``, ``tokens`` and ``last_s`` (the bucket at its last take), ``version`` (optimistic
concurrency: a take writes only if no other take wrote since it read, and otherwise reads again), and
``expires_at`` (TTL: a bucket untouched until it would be full again is forgotten, which changes nothing).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, table_name
from shared.domain.ratelimit.models import BucketLimit, idle_expiry, refilled, wait_for_token

ATTEMPTS = 8  # reads-and-writes tried under contention before the take counts as refused


def _n(v: float) -> dict[str, str]:
    return {"N": repr(float(v)) if not isinstance(v, int) else str(v)}


class DynamoTokenBuckets:
    def __init__(self) -> None:
        self.table = table_name("ratelimit")

    def take(self, key: str, limit: BucketLimit, now_s: float) -> float:
        pk = {"pk": {"S": f"BUCKET#{key}"}}
        for _ in range(ATTEMPTS):
            item: dict[str, Any] = ddb().get_item(TableName=self.table, Key=pk, ConsistentRead=True).get("Item") or {}
            if item:
                tokens = refilled(float(item["tokens"]["N"]), float(item["last_s"]["N"]), now_s, limit)
                last, version = max(now_s, float(item["last_s"]["N"])), int(item["version"]["N"])
            else:
                tokens, last, version = float(limit.capacity), now_s, 0
            if tokens < 1.0:
                return wait_for_token(tokens, limit)
            try:
                ddb().put_item(
                    TableName=self.table,
                    Item={**pk, "tokens": _n(tokens - 1.0), "last_s": _n(last), "version": _n(version + 1),
                          "expires_at": _n(idle_expiry(now_s, limit))},
                    ConditionExpression="attribute_not_exists(pk) OR version = :v",
                    ExpressionAttributeValues={":v": _n(version)},
                )
                return 0.0
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
        return wait_for_token(0.0, limit)


@lru_cache(maxsize=1)
def token_buckets() -> DynamoTokenBuckets:
    return DynamoTokenBuckets()
