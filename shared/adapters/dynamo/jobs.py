"""The DynamoDB ``JobStore`` (``shared.domain.jobs.ports``). Job records (table ``jobs``):

  JOB#<task_id>      / META     the job; GSI ``by_owner`` (owner, created_at#task_id) for the history
  HISTORY#<id:012d>  / META     the query-history id → task id (written with the job, one transaction)
  COUNTER            / history  atomic history ids

Requests and results are stored as gzip-compressed JSON: kept exactly as sent (nulls included), and a
DynamoDB item holds 400 KB, which compressed coverage results stay far below. Status moves only forward
(pending → in_progress → completed | failed): every transition is conditional, so a retried or
duplicated worker step changes nothing twice.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.jobs.models import Job, JobStatus

_ALLOWED_FROM = {"in_progress": ("pending", "in_progress"), "completed": ("pending", "in_progress"),
                 "failed": ("pending", "in_progress")}


def _pack(result: dict | None) -> str | None:
    if result is None:
        return None
    return base64.b64encode(gzip.compress(json.dumps(result, separators=(",", ":")).encode())).decode()


def _unpack(blob: str | None) -> dict | None:
    return None if blob is None else json.loads(gzip.decompress(base64.b64decode(blob)))


class DynamoJobStore:
    def __init__(self) -> None:
        self.table = table_name("jobs")

    def _item(self, job: Job) -> dict:
        body = job.model_dump(mode="json", exclude={"result", "request"})
        return {**body, "result_gz": _pack(job.result), "request_gz": _pack(job.request),
                "pk": f"JOB#{job.task_id}", "sk": "META",
                "owner_sort": f"{body['created_at']}#{job.task_id}"}

    @staticmethod
    def _job(item: dict) -> Job:
        item = dict(item)
        item["result"] = _unpack(item.pop("result_gz", None))
        item["request"] = _unpack(item.pop("request_gz", None)) or {}
        return Job.model_validate(item)

    def next_history_id(self) -> int:
        resp = ddb().update_item(TableName=self.table, Key={"pk": value("COUNTER"), "sk": value("history")},
                                 UpdateExpression="ADD #n :one", ExpressionAttributeNames={"#n": "n"},
                                 ExpressionAttributeValues={":one": value(1)}, ReturnValues="UPDATED_NEW")
        return int(resp["Attributes"]["n"]["N"])

    def create(self, job: Job) -> None:
        ddb().transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": serialize(self._item(job)),
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self.table,
                     "Item": serialize({"pk": f"HISTORY#{job.history_id:012d}", "sk": "META",
                                        "task_id": job.task_id}),
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ])

    def get(self, task_id: str) -> Job | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                              ConsistentRead=True)
        return self._job(deserialize(resp["Item"])) if "Item" in resp else None

    def by_history_id(self, history_id: int) -> Job | None:
        resp = ddb().get_item(TableName=self.table, Key={"pk": value(f"HISTORY#{history_id:012d}"),
                                                         "sk": value("META")}, ConsistentRead=True)
        return self.get(resp["Item"]["task_id"]["S"]) if "Item" in resp else None

    def list(self, owner: str) -> list[Job]:
        items = query_all(TableName=self.table, IndexName="by_owner", KeyConditionExpression="#o = :o",
                          ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": value(owner)})
        return [self._job(i) for i in items]

    def transition(self, task_id: str, status: JobStatus, *, progress: float | None = None,
                   result: dict[str, Any] | None = None, error: str | None = None,
                   error_code: str | None = None) -> bool:
        """Move a job forward; False (and no change) if it is already past that point."""
        names = {"#s": "status", "#u": "updated_at"}
        values = {":s": value(status), ":u": value(datetime.now(UTC).isoformat())}
        sets = ["#s = :s", "#u = :u"]
        if progress is not None:
            names["#p"], values[":p"] = "progress", value(progress)
            sets.append("#p = :p")
        if result is not None:
            names["#r"], values[":r"] = "result_gz", value(_pack(result))
            sets.append("#r = :r")
        if error is not None:
            names["#e"], values[":e"] = "error", value(error)
            sets.append("#e = :e")
        if error_code is not None:
            names["#ec"], values[":ec"] = "error_code", value(error_code)
            sets.append("#ec = :ec")
        allowed = _ALLOWED_FROM[status]
        for i, s in enumerate(allowed):
            values[f":a{i}"] = value(s)
        condition = "attribute_exists(pk) AND #s IN (" + ", ".join(f":a{i}" for i in range(len(allowed))) + ")"
        try:
            ddb().update_item(TableName=self.table, Key={"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                              UpdateExpression="SET " + ", ".join(sets), ConditionExpression=condition,
                              ExpressionAttributeNames=names, ExpressionAttributeValues=values)
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def set_alert(self, task_id: str, alert: bool) -> Job | None:
        try:
            ddb().update_item(TableName=self.table, Key={"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                              UpdateExpression="SET #a = :a, #u = :u", ConditionExpression="attribute_exists(pk)",
                              ExpressionAttributeNames={"#a": "alert", "#u": "updated_at"},
                              ExpressionAttributeValues={":a": value(alert),
                                                         ":u": value(datetime.now(UTC).isoformat())})
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return self.get(task_id)


@lru_cache(maxsize=1)
def job_store() -> DynamoJobStore:
    return DynamoJobStore()
