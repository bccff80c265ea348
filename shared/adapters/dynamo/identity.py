"""API tokens, OAuth clients and failed-login counters in the ``identity`` table (users:
``shared.adapters.dynamo.users``): the DynamoDB ``ApiTokenStore``, ``OAuthClientStore`` and
``LoginCounterStore``.

  APITOKEN#<sha256>   / TOKEN                the token record, found by the hash of the presented token
  OWNER#<owner>       / APITOKEN#<token_id>  the owner's index of tokens (written in the same transaction)
  OAUTHCLIENT#<id>    / CLIENT               an OAuth client (the SHA-256 of its secret, never the secret)
  LOGINFAIL#<key>     / COUNTER              failed logins of an account or an address: ``count``,
                                             ``expires_at`` (epoch s, the table's TTL attribute) and,
                                             once locked out, ``locked_until`` (epoch s)
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.adapters.dynamo.base import ddb, deserialize, query_all, scan_kind, serialize, table_name, value
from shared.domain.identity.oauth import OAuthClientRecord
from shared.domain.identity.ports import ApiTokenStore
from shared.domain.identity.throttle import LoginCounter
from shared.domain.identity.tokens import ApiTokenRecord

__all__ = [
    "ApiTokenRecord",
    "DynamoIdentityRepository",
    "DynamoLoginCounterStore",
    "DynamoOAuthClientStore",
    "identity_repository",
    "login_counter_store",
    "oauth_client_store",
]




class DynamoIdentityRepository:
    def __init__(self) -> None:
        self.table = table_name("identity")

    def find_api_token(self, token_hash: str) -> ApiTokenRecord | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"APITOKEN#{token_hash}"), "sk": value("TOKEN")})
        return ApiTokenRecord.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def put_api_token(self, record: ApiTokenRecord) -> None:
        body = record.model_dump(mode="json")
        ddb().transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.table,
                         "Item": serialize({"pk": f"APITOKEN#{record.token_hash}", "sk": "TOKEN", **body}),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table,
                         "Item": serialize({"pk": f"OWNER#{record.owner}", "sk": f"APITOKEN#{record.token_id}",
                                            "kind": "api_token", **body}),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )

    def list_api_tokens(self, owner: str | None = None) -> list[ApiTokenRecord]:
        if owner is not None:
            items = query_all(
                TableName=self.table,
                KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
                ExpressionAttributeValues={":pk": value(f"OWNER#{owner}"), ":p": value("APITOKEN#")},
            )
        else:
            items = scan_kind(self.table, "api_token")
        return sorted((ApiTokenRecord.model_validate(i) for i in items), key=lambda r: r.created_at)

    def revoke_api_token(self, token_id: str) -> ApiTokenRecord | None:
        match = [r for r in self.list_api_tokens() if r.token_id == token_id]
        if not match:
            return None
        record = match[0]
        now = datetime.now(UTC).isoformat()
        update = {
            "UpdateExpression": "SET #r = :t, #ra = if_not_exists(#ra, :now)",
            "ExpressionAttributeNames": {"#r": "revoked", "#ra": "revoked_at"},
            "ExpressionAttributeValues": {":t": value(True), ":now": value(now)},
        }
        ddb().transact_write_items(
            TransactItems=[
                {"Update": {"TableName": self.table,
                            "Key": {"pk": value(f"APITOKEN#{record.token_hash}"), "sk": value("TOKEN")}, **update}},
                {"Update": {"TableName": self.table,
                            "Key": {"pk": value(f"OWNER#{record.owner}"), "sk": value(f"APITOKEN#{token_id}")},
                            **update}},
            ]
        )
        return record.model_copy(update={"revoked": True})


def _condition_failed(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    return bool(response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


class DynamoOAuthClientStore:
    def __init__(self) -> None:
        self.table = table_name("identity")

    @staticmethod
    def _key(client_id: str) -> dict[str, Any]:
        return {"pk": value(f"OAUTHCLIENT#{client_id}"), "sk": value("CLIENT")}

    def put_oauth_client(self, record: OAuthClientRecord) -> None:
        from botocore.exceptions import ClientError

        from shared.domain.errors import Conflict

        item = {"pk": f"OAUTHCLIENT#{record.client_id}", "sk": "CLIENT", "kind": "oauth_client",
                **record.model_dump(mode="json")}
        try:
            ddb().put_item(TableName=self.table, Item=serialize(item), ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if _condition_failed(exc):
                raise Conflict(f"OAuth client {record.client_id} already exists") from None
            raise

    def get_oauth_client(self, client_id: str) -> OAuthClientRecord | None:
        resp = ddb().get_item(TableName=self.table, Key=self._key(client_id), ConsistentRead=True)
        return OAuthClientRecord.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def list_oauth_clients(self) -> list[OAuthClientRecord]:
        items = scan_kind(self.table, "oauth_client")
        return sorted((OAuthClientRecord.model_validate(i) for i in items), key=lambda r: r.created_at)

    def revoke_oauth_client(self, client_id: str) -> OAuthClientRecord | None:
        from botocore.exceptions import ClientError

        try:
            resp = ddb().update_item(
                TableName=self.table,
                Key=self._key(client_id),
                UpdateExpression="SET #r = :t, #ra = if_not_exists(#ra, :now)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#r": "revoked", "#ra": "revoked_at"},
                ExpressionAttributeValues={":t": value(True), ":now": value(datetime.now(UTC).isoformat())},
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _condition_failed(exc):
                return None
            raise
        return OAuthClientRecord.model_validate(deserialize(resp["Attributes"]))


def _epoch(ts: datetime) -> int:
    return int(ts.timestamp())


class DynamoLoginCounterStore:
    """Counters that DynamoDB's TTL deletes once ``expires_at`` has passed (reads ignore expired ones:
    TTL deletion may lag)."""

    def __init__(self) -> None:
        self.table = table_name("identity")

    @staticmethod
    def _key(key: str) -> dict[str, Any]:
        return {"pk": value(f"LOGINFAIL#{key}"), "sk": value("COUNTER")}

    @staticmethod
    def _counter(key: str, item: dict[str, Any]) -> LoginCounter:
        locked = item.get("locked_until")
        return LoginCounter(key=key, count=int(item.get("count", 0)),
                            expires_at=datetime.fromtimestamp(int(item["expires_at"]), UTC),
                            locked_until=None if locked is None else datetime.fromtimestamp(int(locked), UTC))

    def get_counter(self, key: str, now: datetime) -> LoginCounter | None:
        resp = ddb().get_item(TableName=self.table, Key=self._key(key), ConsistentRead=True)
        if "Item" not in resp:
            return None
        item = deserialize(resp["Item"])
        return self._counter(key, item) if int(item["expires_at"]) > _epoch(now) else None

    def add_failure(self, key: str, now: datetime, window_s: int) -> LoginCounter:
        from botocore.exceptions import ClientError

        for _ in range(3):
            try:  # a live counter: count one more
                resp = ddb().update_item(
                    TableName=self.table, Key=self._key(key),
                    UpdateExpression="ADD #c :one",
                    ConditionExpression="attribute_exists(pk) AND expires_at > :now",
                    ExpressionAttributeNames={"#c": "count"},
                    ExpressionAttributeValues={":one": value(1), ":now": value(_epoch(now))},
                    ReturnValues="ALL_NEW",
                )
                return self._counter(key, deserialize(resp["Attributes"]))
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
            item = {"pk": f"LOGINFAIL#{key}", "sk": "COUNTER", "kind": "login_counter", "count": 1,
                    "expires_at": _epoch(now) + window_s}
            try:  # none, or an expired one: start a new window (unless a concurrent failure just did)
                ddb().put_item(TableName=self.table, Item=serialize(item),
                               ConditionExpression="attribute_not_exists(pk) OR expires_at <= :now",
                               ExpressionAttributeValues={":now": value(_epoch(now))})
                return self._counter(key, item)
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
        raise RuntimeError(f"could not count a failed login for {key}")

    def lock(self, key: str, until: datetime) -> None:
        ddb().update_item(
            TableName=self.table, Key=self._key(key),
            UpdateExpression="SET locked_until = :u, expires_at = :u, #k = :k",
            ExpressionAttributeNames={"#k": "kind"},
            ExpressionAttributeValues={":u": value(_epoch(until)), ":k": value("login_counter")},
        )

    def clear(self, key: str) -> None:
        ddb().delete_item(TableName=self.table, Key=self._key(key))


@lru_cache(maxsize=1)
def identity_repository() -> ApiTokenStore:
    return DynamoIdentityRepository()


@lru_cache(maxsize=1)
def oauth_client_store() -> DynamoOAuthClientStore:
    return DynamoOAuthClientStore()


@lru_cache(maxsize=1)
def login_counter_store() -> DynamoLoginCounterStore:
    return DynamoLoginCounterStore()
