"""API tokens in the ``identity`` table (users: ``shared.adapters.dynamo.users``): the DynamoDB
``ApiTokenStore``.

  APITOKEN#<sha256>   / TOKEN                the token record, found by the hash of the presented token
  OWNER#<owner>       / APITOKEN#<token_id>  the owner's index of tokens (written in the same transaction)
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.adapters.dynamo.base import ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.identity.ports import ApiTokenStore
from shared.domain.identity.tokens import ApiTokenRecord

__all__ = ["ApiTokenRecord", "DynamoIdentityRepository", "IdentityRepository", "identity_repository"]


# The port's historical name, kept for existing callers.
IdentityRepository = ApiTokenStore


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
            items = []
            kwargs: dict[str, Any] = {
                "TableName": self.table,
                "FilterExpression": "#k = :k",
                "ExpressionAttributeNames": {"#k": "kind"},
                "ExpressionAttributeValues": {":k": value("api_token")},
            }
            while True:
                page = ddb().scan(**kwargs)
                items.extend(deserialize(i) for i in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
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


@lru_cache(maxsize=1)
def identity_repository() -> IdentityRepository:
    return DynamoIdentityRepository()
