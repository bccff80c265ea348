"""SSA users in the ``identity`` table.

  USER#<id>           / PROFILE   the user (with its argon2id password hash)
  EMAIL#<lower email> / USER      uniqueness of the email, case-insensitive; holds the user id
  NAME#<casefold name>/ USER      uniqueness of the name, case-insensitive; holds the user id
  COUNTER#user        / COUNTER   the last id handed out (atomic ADD)

A registration takes the next id from the counter, then writes the three items in ONE
``TransactWriteItems``, each conditioned on ``attribute_not_exists(pk)``: of concurrent registrations
of one email or name exactly one succeeds, whatever the timing. Ids of failed attempts are not reused
(ids are unique and increasing, not gap-free).
"""

from __future__ import annotations

from functools import lru_cache

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, serialize, table_name, value
from shared.domain.errors import Conflict
from shared.domain.identity.accounts import User, email_key, name_key

COUNTER_KEY = {"pk": "COUNTER#user", "sk": "COUNTER"}




class DynamoUserRepository:
    def __init__(self) -> None:
        self.table = table_name("identity")

    def _key(self, pk: str, sk: str) -> dict:
        return {"pk": value(pk), "sk": value(sk)}

    def next_id(self) -> int:
        resp = ddb().update_item(
            TableName=self.table,
            Key=self._key(COUNTER_KEY["pk"], COUNTER_KEY["sk"]),
            UpdateExpression="ADD #v :one",
            ExpressionAttributeNames={"#v": "value"},
            ExpressionAttributeValues={":one": value(1)},
            ReturnValues="UPDATED_NEW",
        )
        return int(resp["Attributes"]["value"]["N"])

    def create_user(self, user: User) -> User:
        """Stores ``user`` under a fresh id (``user.id`` is ignored); ``Conflict`` names what is taken."""
        from botocore.exceptions import ClientError

        user = user.model_copy(update={"id": self.next_id()})
        body = user.model_dump(mode="json")
        unique = {"user_id": user.id, "kind": "user_unique"}
        condition = "attribute_not_exists(pk)"
        items = [
            {"pk": f"USER#{user.id}", "sk": "PROFILE", "kind": "user", **body},
            {"pk": f"EMAIL#{email_key(user.email)}", "sk": "USER", **unique},
            {"pk": f"NAME#{name_key(user.name)}", "sk": "USER", **unique},
        ]
        try:
            ddb().transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table, "Item": serialize(item), "ConditionExpression": condition}}
                    for item in items
                ]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = cancellation_reasons(exc)
            failed = [i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed"]
            if 1 in failed:
                raise Conflict("a user with this email already exists") from None
            if 2 in failed:
                raise Conflict("a user with this name already exists") from None
            if "TransactionConflict" in reasons:  # a concurrent transaction on the same keys: it won
                raise Conflict("a user with this email or name is being registered") from None
            raise
        return user

    def get_user(self, user_id: int) -> User | None:
        resp = ddb().get_item(TableName=self.table, Key=self._key(f"USER#{user_id}", "PROFILE"), ConsistentRead=True)
        return User.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def find_by_email(self, email: str) -> User | None:
        resp = ddb().get_item(
            TableName=self.table, Key=self._key(f"EMAIL#{email_key(email)}", "USER"), ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        return self.get_user(int(deserialize(resp["Item"])["user_id"]))

    def set_active(self, user_id: int, active: bool) -> None:
        """Activates or deactivates a user (administration; tests)."""
        ddb().update_item(
            TableName=self.table,
            Key=self._key(f"USER#{user_id}", "PROFILE"),
            UpdateExpression="SET is_active = :a",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":a": value(active)},
        )

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replaces the stored hash (re-hashing with argon2id after a login with an older hash)."""
        ddb().update_item(
            TableName=self.table,
            Key=self._key(f"USER#{user_id}", "PROFILE"),
            UpdateExpression="SET password_hash = :h",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":h": value(password_hash)},
        )


@lru_cache(maxsize=1)
def user_repository() -> DynamoUserRepository:
    return DynamoUserRepository()
