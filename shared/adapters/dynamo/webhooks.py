"""Webhooks in DynamoDB (table ``webhooks``):

  WEBHOOK#<id> / META                 the webhook (secret encrypted); GSI by_owner (owner, created_at#id)
  WEBHOOK#<id> / DELIVERED#<event id> the event was delivered to this webhook; expires (TTL) after 7 days

Health counters change by atomic updates: ``ADD consecutive_failures 1`` returns the new count, and the
disabling write is conditioned on the webhook still being enabled with at least that many failures, so two
workers failing at once disable it once, with one reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.webhooks.models import Webhook, disabled_reason
from shared.timefmt import iso_ms

DELIVERED_KEPT = timedelta(days=7)  # longer than any redelivery: SQS keeps a message 4 days


def _key(webhook_id: str, sk: str = "META") -> dict[str, Any]:
    return {"pk": value(f"WEBHOOK#{webhook_id}"), "sk": value(sk)}


def _conditional(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _webhook(item: dict[str, Any]) -> Webhook:
    return Webhook.model_validate({k: v for k, v in item.items() if k not in ("pk", "sk", "owner_sort")})


class DynamoWebhookStore:
    def __init__(self) -> None:
        self.table = table_name("webhooks")

    def create(self, webhook: Webhook) -> None:
        item = {**webhook.model_dump(mode="json"), "pk": f"WEBHOOK#{webhook.id}", "sk": "META",
                "owner_sort": f"{iso_ms(webhook.created_at)}#{webhook.id}"}
        ddb().put_item(TableName=self.table, Item=serialize(item), ConditionExpression="attribute_not_exists(pk)")

    def get(self, webhook_id: str) -> Webhook | None:
        resp = ddb().get_item(TableName=self.table, Key=_key(webhook_id), ConsistentRead=True)
        return _webhook(deserialize(resp["Item"])) if "Item" in resp else None

    def list(self, owner: str | None = None) -> list[Webhook]:
        if owner is None:
            items = [i for i in self._scan() if i.get("sk") == "META"]
        else:
            items = query_all(TableName=self.table, IndexName="by_owner", KeyConditionExpression="#o = :o",
                              ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": value(owner)})
        return sorted((_webhook(i) for i in items), key=lambda w: (w.created_at, w.id))

    def _scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.table, "FilterExpression": "sk = :m",
                                  "ExpressionAttributeValues": {":m": value("META")}}
        while True:
            page = ddb().scan(**kwargs)
            items.extend(deserialize(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(self, webhook_id: str) -> bool:
        try:
            ddb().delete_item(TableName=self.table, Key=_key(webhook_id), ConditionExpression="attribute_exists(pk)")
            return True
        except ClientError as exc:
            if _conditional(exc):
                return False
            raise

    def record_success(self, webhook_id: str, at: datetime | None) -> None:
        names = {"#f": "consecutive_failures", "#e": "enabled", "#r": "disabled_reason", "#d": "disabled_at"}
        values = {":zero": value(0), ":yes": value(True)}
        delivered = ""
        if at is not None:
            names["#l"], values[":at"], delivered = "last_delivered_at", value(at.isoformat()), ", #l = :at"
        try:
            ddb().update_item(
                TableName=self.table, Key=_key(webhook_id), ConditionExpression="attribute_exists(pk)",
                UpdateExpression=f"SET #f = :zero, #e = :yes{delivered} REMOVE #r, #d",
                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except ClientError as exc:
            if not _conditional(exc):  # removed meanwhile: nothing to record
                raise

    def record_failure(self, webhook_id: str, reason: str, at: datetime, disable_after: int) -> Webhook | None:
        try:
            resp = ddb().update_item(
                TableName=self.table, Key=_key(webhook_id), ConditionExpression="attribute_exists(pk)",
                UpdateExpression="ADD #f :one SET #l = :r",
                ExpressionAttributeNames={"#f": "consecutive_failures", "#l": "last_failure_reason"},
                ExpressionAttributeValues={":one": value(1), ":r": value(reason)}, ReturnValues="ALL_NEW")
        except ClientError as exc:
            if _conditional(exc):
                return None
            raise
        hook = _webhook(deserialize(resp["Attributes"]))
        if not hook.enabled or hook.consecutive_failures < disable_after:
            return hook
        try:
            resp = ddb().update_item(
                TableName=self.table, Key=_key(webhook_id),
                ConditionExpression="#e = :yes AND #f >= :n",
                UpdateExpression="SET #e = :no, #r = :why, #d = :at",
                ExpressionAttributeNames={"#e": "enabled", "#f": "consecutive_failures", "#r": "disabled_reason",
                                          "#d": "disabled_at"},
                ExpressionAttributeValues={":yes": value(True), ":no": value(False), ":n": value(disable_after),
                                           ":why": value(disabled_reason(hook.consecutive_failures, reason)),
                                           ":at": value(at.isoformat())},
                ReturnValues="ALL_NEW")
            return _webhook(deserialize(resp["Attributes"]))
        except ClientError as exc:
            if not _conditional(exc):
                raise
        return self.get(webhook_id)  # disabled (or reset) by another worker meanwhile

    def was_delivered(self, webhook_id: str, event_id: str) -> bool:
        resp = ddb().get_item(TableName=self.table, Key=_key(webhook_id, f"DELIVERED#{event_id}"),
                              ConsistentRead=True)
        return "Item" in resp

    def mark_delivered(self, webhook_id: str, event_id: str, at: datetime) -> None:
        ddb().put_item(TableName=self.table, Item=serialize({
            "pk": f"WEBHOOK#{webhook_id}", "sk": f"DELIVERED#{event_id}", "delivered_at": at.isoformat(),
            "expires_at": int((at + DELIVERED_KEPT).timestamp())}))


@lru_cache(maxsize=1)
def webhook_store() -> DynamoWebhookStore:
    return DynamoWebhookStore()
