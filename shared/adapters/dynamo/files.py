"""File records in DynamoDB (table ``files``), every status change a conditional write:

  BOOKING#<id:012d> / FILE#<id:012d>        a file of a booking; GSI by_key (s3_key, sk) finds it from an S3 event
  BOOKING#<id:012d> / DOWNLINK#<name>       guard: the one file id of a dropped downlink object
  OBJECT#<bucket>/<key> / OBJECT            the newest verified version of an uplink object, kept so metadata that
                                            arrives after its object is matched at once

Events arrive at least once and out of order: an update carries the event's ``order`` and applies only if it is
greater than the stored one, so a duplicate changes nothing twice and a stale event never moves a file back. The
downlink claim's transaction carries a ``ClientRequestToken`` derived from the claim, so the SDK's retry of a
commit whose answer was lost succeeds as the first try did (DynamoDB's 10-minute idempotency window).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.outbox import outbox_item
from shared.domain.events.models import Event
from shared.domain.files.models import VERIFIABLE, FileRecord, FileStatus, ObjectState
from shared.domain.files.ports import FileStore
from shared.timefmt import iso_ms, utcnow

_TOKENS = uuid.UUID("0f6b2a9e-4c1d-4f55-8a0e-3d9b7c2e5f41")  # namespace of the files' ClientRequestTokens


def _pk(booking_id: int) -> str:
    return f"BOOKING#{booking_id:012d}"


def _sk(file_id: int) -> str:
    return f"FILE#{file_id:012d}"


def _key(booking_id: int, file_id: int) -> dict:
    return {"pk": value(_pk(booking_id)), "sk": value(_sk(file_id))}


def _object_key(bucket: str, key: str) -> dict:
    return {"pk": value(f"OBJECT#{bucket}/{key}"), "sk": value("OBJECT")}


def file_item(record: FileRecord) -> dict[str, Any]:
    """The stored item of a file record (also written by the ledger, in a booking's own transaction)."""
    return {**record.model_dump(mode="json"), "pk": _pk(record.booking_id), "sk": _sk(record.id)}


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


class DynamoFileStore:
    def __init__(self) -> None:
        self.table = table_name("files")

    # -- reading ------------------------------------------------------------------------------------
    def get(self, booking_id: int, file_id: int) -> FileRecord | None:
        resp = ddb().get_item(TableName=self.table, Key=_key(booking_id, file_id), ConsistentRead=True)
        return FileRecord.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    def list(self, booking_id: int, direction: str | None = None) -> list[FileRecord]:
        items = query_all(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :f)",
            ExpressionAttributeValues={":pk": value(_pk(booking_id)), ":f": value("FILE#")},
            ConsistentRead=True,
        )
        files = [FileRecord.model_validate(i) for i in items]
        return [f for f in files if direction is None or f.direction == direction]

    def by_key(self, s3_key: str) -> list[FileRecord]:
        items = query_all(
            TableName=self.table,
            IndexName="by_key",
            KeyConditionExpression="s3_key = :k",
            ExpressionAttributeValues={":k": value(s3_key)},
        )
        return [FileRecord.model_validate(i) for i in items]

    def get_object(self, bucket: str, key: str) -> ObjectState | None:
        resp = ddb().get_item(TableName=self.table, Key=_object_key(bucket, key), ConsistentRead=True)
        return ObjectState.model_validate(deserialize(resp["Item"])) if "Item" in resp else None

    # -- writing ------------------------------------------------------------------------------------
    def create(self, record: FileRecord) -> bool:
        """Store a new file; False if that file id exists already (a retried adoption)."""
        item = file_item(record)
        try:
            ddb().put_item(TableName=self.table, Item=serialize(item), ConditionExpression="attribute_not_exists(pk)")
            return True
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise

    def record_object(self, obj: ObjectState) -> bool:
        """Remember the newest version of an object; False for a duplicate or stale event."""
        item = {**obj.model_dump(mode="json"), "pk": f"OBJECT#{obj.bucket}/{obj.key}", "sk": "OBJECT",
                "seen_at": iso_ms(utcnow())}
        try:
            ddb().put_item(
                TableName=self.table, Item=serialize(item),
                ConditionExpression="attribute_not_exists(pk) OR #o < :o",
                ExpressionAttributeNames={"#o": "order"}, ExpressionAttributeValues={":o": value(obj.order)},
            )
            return True
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise

    def apply_object(self, f: FileRecord, obj: ObjectState, status: FileStatus, reason: str | None,
                     allowed: tuple[FileStatus, ...] = VERIFIABLE, *, touch: bool = True,
                     events: Sequence[Event] = (), **fields: Any) -> FileRecord | None:
        """Move ``f`` to ``status`` for object version ``obj``, only if the file is in one of ``allowed`` and no
        newer (or the same) event was applied before; ``touch=False`` keeps ``updated_at``. With ``events`` the
        update and the events' outbox items are one ``TransactWriteItems``. Returns the stored file, or None when
        nothing changed."""
        updates: dict[str, Any] = {
            "status": status, "reason": reason, "order": obj.order, "size": obj.size, "etag": obj.etag,
            "version_id": obj.version_id, **({"updated_at": iso_ms(utcnow())} if touch else {}), **fields,
        }
        sets = [f"#{i} = :{i}" for i, v in enumerate(updates.values()) if v is not None]
        removes = [f"#{i}" for i, v in enumerate(updates.values()) if v is None]
        names = {f"#{i}": k for i, k in enumerate(updates)}
        values = {f":{i}": value(v) for i, v in enumerate(updates.values()) if v is not None}
        allowed_names = [f":a{i}" for i in range(len(allowed))]
        values.update({n: value(s) for n, s in zip(allowed_names, allowed, strict=True)})
        names["#st"], names["#ord"] = "status", "order"
        values[":new"] = value(obj.order)
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        update = {"TableName": self.table, "Key": _key(f.booking_id, f.id), "UpdateExpression": expression,
                  "ConditionExpression": f"attribute_exists(pk) AND #st IN ({', '.join(allowed_names)}) "
                                         "AND (attribute_not_exists(#ord) OR #ord < :new)",
                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        if events:
            return self._apply_with_events(f, update, events)
        try:
            resp = ddb().update_item(**update, ReturnValues="ALL_NEW")
        except ClientError as exc:
            if _conditional_failed(exc):
                return None
            raise
        return FileRecord.model_validate(deserialize(resp["Attributes"]))

    def _apply_with_events(self, f: FileRecord, update: dict[str, Any], events: Sequence[Event]) -> FileRecord | None:
        """The status change and its events in one transaction (named by the events: a retried commit whose
        answer was lost is answered as the first one was)."""
        token = str(uuid.uuid5(_TOKENS, "apply:" + ",".join(e.id for e in events)))
        try:
            ddb().transact_write_items(ClientRequestToken=token,
                                       TransactItems=[{"Update": update}, *(outbox_item(e) for e in events)])
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException" and \
                    cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
                return None
            raise
        return self.get(f.booking_id, f.id)

    def claim_downlink(self, record: FileRecord, name: str) -> FileRecord:
        """The one file record of downlink object ``name`` of a booking: ``record`` if this call created it,
        else the one an earlier delivery of the same object created."""
        guard = {"pk": _pk(record.booking_id), "sk": f"DOWNLINK#{name}", "file_id": record.id}
        item = {**record.model_dump(mode="json"), "pk": _pk(record.booking_id), "sk": _sk(record.id)}
        # The token names this claim (booking, object, the file id it allocated): the SDK's retry of a commit
        # whose answer was lost is answered as the first try was, instead of failing its own conditions.
        token = str(uuid.uuid5(_TOKENS, f"claim-downlink:{record.booking_id}:{name}:{record.id}"))
        try:
            ddb().transact_write_items(ClientRequestToken=token, TransactItems=[
                {"Put": {"TableName": self.table, "Item": serialize(guard),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": serialize(item),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ])
            return record
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException" or \
                    cancellation_reasons(exc)[:1] != ["ConditionalCheckFailed"]:
                raise
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(guard["pk"]), "sk": value(guard["sk"])},
                              ConsistentRead=True)
        existing = self.get(record.booking_id, int(resp["Item"]["file_id"]["N"]))  # ours, if a retry of ours
        assert existing is not None, "a downlink guard without its file"
        return existing


@lru_cache(maxsize=1)
def file_store() -> FileStore:
    return DynamoFileStore()
