"""Small DynamoDB helpers shared by the repositories: (de)serialisation, table names, and the client every
store calls (``ddb()``), which turns errors that outlasted the SDK's retries (throttling, capacity, transient
service faults, connect/read timeouts) into ``shared.domain.errors.Unavailable`` with a retry-after hint: the
use cases see a clean retryable error, never a raw botocore one."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from shared.aws import client, unavailable_from
from shared.settings import get_settings


@lru_cache(maxsize=1)
def _codec():
    """boto3's (de)serialisers, loaded with the first DynamoDB call rather than at import (cold start)."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    ser = _codec()[0]
    return {k: ser.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    deser = _codec()[1]
    return {k: _from_dynamo(deser.deserialize(v)) for k, v in item.items()}


def value(v: Any) -> dict[str, Any]:
    return _codec()[0].serialize(_to_dynamo(v))


def table_name(key: str) -> str:
    return get_settings().table_name(key)


class _Guarded:
    """A DynamoDB client whose API calls raise ``Unavailable`` for exhausted throttling/transient errors;
    other errors (conditional check failures, cancelled transactions) pass through unchanged."""

    __slots__ = ("_client",)

    def __init__(self, raw: Any) -> None:
        self._client = raw

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or not callable(attr) or name in ("get_paginator", "get_waiter", "can_paginate"):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except Exception as exc:
                unavailable = unavailable_from(exc, _operation(name))
                if unavailable is None:
                    raise
                raise unavailable from exc

        return call


def _operation(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def ddb() -> Any:
    return _Guarded(client("dynamodb"))


def query_all(**kwargs: Any) -> list[dict[str, Any]]:
    """Run a Query to the end, following LastEvaluatedKey."""
    return _all_pages("query", kwargs)


def scan_kind(table: str, kind: str) -> list[dict[str, Any]]:
    """Every item of ``table`` whose ``kind`` attribute is ``kind`` (a Scan run to the end)."""
    return _all_pages("scan", {"TableName": table, "FilterExpression": "#k = :k",
                               "ExpressionAttributeNames": {"#k": "kind"},
                               "ExpressionAttributeValues": {":k": value(kind)}})


def _all_pages(operation: str, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    call = getattr(ddb(), operation)
    while True:
        page = call(**kwargs)
        items.extend(deserialize(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def cancellation_reasons(exc: Exception) -> list[str]:
    """Per-item codes of a TransactionCanceledException ('None', 'ConditionalCheckFailed', ...)."""
    reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
    return [r.get("Code", "None") for r in reasons]
