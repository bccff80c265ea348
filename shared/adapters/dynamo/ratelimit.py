"""DynamoDB ``TokenBuckets`` (table ``ratelimit``).

Items: pk ``BUCKET#<key>``, ``tokens`` and ``last_s`` (the bucket at its last lease), ``version`` (optimistic
concurrency: a lease writes only if no other lease wrote since the state it computed from, and otherwise
starts again from the bucket as it is), and ``expires_at`` (TTL: a bucket untouched until it would be full
again is forgotten, which changes nothing).

A lease is one conditional ``PutItem``: the adapter remembers each bucket as its own last write left it and
computes the next state from that (a bucket it has not seen is assumed new, i.e. full). When another instance
wrote in between, the condition fails, DynamoDB returns the item as it is (``ReturnValuesOnConditionCheckFailure``)
and the lease is computed again from it. A refusal computed from the remembered state is safe: other writers
only ever take tokens, so the bucket holds at most what it shows.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, table_name
from shared.domain.ratelimit.models import BucketLimit, granted, idle_expiry, refilled, wait_for_token
from shared.snapstart import after_restore

ATTEMPTS = 8  # writes tried under contention before the lease counts as refused
REMEMBERED = 10_000  # buckets whose last known state is kept (forgotten all at once beyond that)

_State = tuple[float, float, int]  # tokens, last_s, version


def _n(v: float) -> dict[str, str]:
    return {"N": repr(float(v)) if not isinstance(v, int) else str(v)}


def _state(item: dict[str, Any]) -> _State | None:
    if not item:
        return None
    return float(item["tokens"]["N"]), float(item["last_s"]["N"]), int(item["version"]["N"])


class DynamoTokenBuckets:
    def __init__(self) -> None:
        self.table = table_name("ratelimit")
        self._known: dict[str, _State | None] = {}

    def _read(self, pk: dict[str, Any]) -> _State | None:
        return _state(ddb().get_item(TableName=self.table, Key=pk, ConsistentRead=True).get("Item") or {})

    def lease(self, key: str, limit: BucketLimit, now_s: float, want: int = 1) -> tuple[int, float]:
        pk = {"pk": {"S": f"BUCKET#{key}"}}
        known = self._known.get(key)
        for _ in range(ATTEMPTS):
            if known is not None:
                tokens, last = refilled(known[0], known[1], now_s, limit), max(now_s, known[1])
                version = known[2]
            else:
                tokens, last, version = float(limit.capacity), now_s, 0
            n = granted(tokens, want)
            if n == 0:
                return 0, wait_for_token(tokens, limit)
            try:
                ddb().put_item(
                    TableName=self.table,
                    Item={**pk, "tokens": _n(tokens - n), "last_s": _n(last), "version": _n(version + 1),
                          "expires_at": _n(idle_expiry(now_s, limit))},
                    ConditionExpression="attribute_not_exists(pk) OR version = :v",
                    ExpressionAttributeValues={":v": _n(version)},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                current = exc.response.get("Item")
                known = _state(current) if current else self._read(pk)
                continue
            if len(self._known) >= REMEMBERED:
                self._known.clear()
            self._known[key] = (tokens - n, last, version + 1)
            return n, 0.0
        return 0, wait_for_token(0.0, limit)

    def take(self, key: str, limit: BucketLimit, now_s: float) -> float:
        """One token: 0.0 when taken, else the seconds until one is there."""
        return self.lease(key, limit, now_s)[1]


@lru_cache(maxsize=1)
def token_buckets() -> DynamoTokenBuckets:
    return DynamoTokenBuckets()


after_restore(token_buckets.cache_clear)  # the buckets as last written: not shared by instances of one snapshot
