"""The DynamoDB ``JobStore`` (``shared.domain.jobs.ports``). Job records (table ``jobs``):

  JOB#<task_id>      / META     the job; GSI ``by_owner`` (owner, created_at#task_id) for the history; while
                                pending or in progress also ``open`` = OPEN and ``open_sort`` = created_at#task_id
                                (sparse GSI ``by_open``: the sweep's query), removed when it finishes
  HISTORY#<id:012d>  / META     the query-history id → task id (written with the job, one transaction)
  COUNTER            / history  atomic history ids

Requests and inline results (maneuver detections) are stored as gzip-compressed JSON: kept exactly as sent (nulls
included); a pass analysis's result lives in the results bucket and the item keeps its key (``result_key``,
``result_bytes``). A chunked job keeps ``chunks_total`` and the number set ``done_chunks`` of the chunk indices
finished (``ADD``: a retried chunk counts once); ``chunks_done`` and, while it runs, ``progress`` are read from
it. Status moves only forward (pending → in_progress → completed | failed): every transition is conditional, so a
retried or duplicated worker step changes nothing twice. A conditional write that fails is read back: when the stored
job already holds exactly the caller's write (its first answer was lost and the SDK retried it), that is a success.
The create transaction carries a ``ClientRequestToken`` derived from the job, so a retried create within
DynamoDB's 10-minute idempotency window is answered as the first one was.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import cancellation_reasons, ddb, deserialize, query_all, serialize, table_name, value
from shared.adapters.dynamo.outbox import outbox_item
from shared.domain.events.models import Event
from shared.domain.jobs.models import OPEN, Job, JobStatus

_TOKENS = uuid.UUID("5b0c8f4e-8a53-4d0e-9a51-2f7c1f0e6a10")  # namespace of the jobs' ClientRequestTokens
_OPEN = "OPEN"

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
        item = {**body, "result_gz": _pack(job.result), "request_gz": _pack(job.request),
                "pk": f"JOB#{job.task_id}", "sk": "META", "owner_sort": f"{body['created_at']}#{job.task_id}"}
        if job.status in OPEN:
            item["open"], item["open_sort"] = _OPEN, item["owner_sort"]
        return item

    @staticmethod
    def _job(item: dict) -> Job:
        done = item.pop("done_chunks", None) or set()
        item = {k: v for k, v in item.items() if k not in ("open", "open_sort")}
        if item.get("chunks_total"):  # a chunked job: how many chunks finished, and their ratio while it runs
            item["chunks_done"] = len(done)
            if item.get("status") == "in_progress":
                item["progress"] = len(done) / int(item["chunks_total"])
        item["result"] = _unpack(item.pop("result_gz", None))
        item["request"] = _unpack(item.pop("request_gz", None)) or {}
        return Job.model_validate(item)

    def next_history_id(self) -> int:
        resp = ddb().update_item(TableName=self.table, Key={"pk": value("COUNTER"), "sk": value("history")},
                                 UpdateExpression="ADD #n :one", ExpressionAttributeNames={"#n": "n"},
                                 ExpressionAttributeValues={":one": value(1)}, ReturnValues="UPDATED_NEW")
        return int(resp["Attributes"]["n"]["N"])

    def create(self, job: Job, events: Sequence[Event] = ()) -> None:
        token = str(uuid.uuid5(_TOKENS, f"create:{job.task_id}:{job.history_id}"))
        try:
            ddb().transact_write_items(ClientRequestToken=token, TransactItems=[
                {"Put": {"TableName": self.table, "Item": serialize(self._item(job)),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table,
                         "Item": serialize({"pk": f"HISTORY#{job.history_id:012d}", "sk": "META",
                                            "task_id": job.task_id}),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                *(outbox_item(e) for e in events),
            ])
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException" or not self._stored_as(job):
                raise

    def _stored_as(self, job: Job) -> bool:
        """True if exactly ``job`` is stored, under its task id and its history id (the caller's own create)."""
        stored = self.by_history_id(job.history_id)
        return stored is not None and stored == job

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
                   error_code: str | None = None, result_key: str | None = None,
                   result_bytes: int | None = None, events: Sequence[Event] = ()) -> bool:
        """Move a job forward; False (and no change) if it is already past that point. With ``events`` the update
        and the events' outbox items are one ``TransactWriteItems``."""
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
        if result_key is not None:
            names["#rk"], values[":rk"] = "result_key", value(result_key)
            sets.append("#rk = :rk")
        if result_bytes is not None:
            names["#rb"], values[":rb"] = "result_bytes", value(result_bytes)
            sets.append("#rb = :rb")
        expression = "SET " + ", ".join(sets)
        if status not in OPEN:
            names["#open"], names["#open_sort"] = "open", "open_sort"
            expression += " REMOVE #open, #open_sort"
        allowed = _ALLOWED_FROM[status]
        for i, s in enumerate(allowed):
            values[f":a{i}"] = value(s)
        condition = "attribute_exists(pk) AND #s IN (" + ", ".join(f":a{i}" for i in range(len(allowed))) + ")"
        update = {"TableName": self.table, "Key": {"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                  "UpdateExpression": expression, "ConditionExpression": condition,
                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        try:
            if events:
                token = str(uuid.uuid5(_TOKENS, f"transition:{task_id}:" + ",".join(e.id for e in events)))
                ddb().transact_write_items(ClientRequestToken=token,
                                           TransactItems=[{"Update": update}, *(outbox_item(e) for e in events)])
            else:
                ddb().update_item(**update)
            return True
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            refused = code == "ConditionalCheckFailedException" or (
                code == "TransactionCanceledException" and cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"])
            if not refused:
                raise
        # Not applied: already past that point, or this very change was applied by an earlier try whose answer
        # was lost (the caller's own write: a success).
        job = self.get(task_id)
        return job is not None and job.status == status and (progress is None or job.progress == progress) and \
            (result is None or job.result == result) and (error is None or job.error == error) and \
            (error_code is None or job.error_code == error_code) and \
            (result_key is None or job.result_key == result_key) and \
            (result_bytes is None or job.result_bytes == result_bytes)

    def claim(self, task_id: str, execution_id: str, chunks_total: int | None = None) -> bool:
        names = {"#s": "status", "#x": "execution_id", "#p": "progress", "#u": "updated_at"}
        values = {":run": value("in_progress"), ":pending": value("pending"), ":x": value(execution_id),
                  ":p": value(0.1), ":u": value(datetime.now(UTC).isoformat())}
        expression = "SET #s = :run, #x = :x, #p = :p, #u = :u"
        if chunks_total is not None:  # the plan in the same write
            names["#n"], values[":n"] = "chunks_total", value(chunks_total)
            expression += ", #n = :n"
        try:
            ddb().update_item(
                TableName=self.table, Key={"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk) AND (#s = :pending OR (#s = :run AND #x = :x))",
                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        job = self.get(task_id)  # a retried claim whose first answer was lost holds the job already
        return job is not None and job.status == "in_progress" and job.execution_id == execution_id

    def chunk_done(self, task_id: str, index: int) -> int | None:
        """``ADD`` of the chunk's index to the job's number set ``done_chunks``: a retried step adds nothing."""
        try:
            resp = ddb().update_item(
                TableName=self.table, Key={"pk": value(f"JOB#{task_id}"), "sk": value("META")},
                UpdateExpression="ADD #d :i SET #u = :u",
                ConditionExpression="attribute_exists(pk) AND #s = :run",
                ExpressionAttributeNames={"#d": "done_chunks", "#s": "status", "#u": "updated_at"},
                ExpressionAttributeValues={":i": {"NS": [str(index)]}, ":run": value("in_progress"),
                                           ":u": value(datetime.now(UTC).isoformat())},
                ReturnValues="ALL_NEW")
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return None
        return len(resp["Attributes"]["done_chunks"]["NS"])

    def open_jobs(self, created_before: datetime) -> list[Job]:
        # open_sort starts with created_at as ISO text (UTC, "Z", fractions only when non-zero): every job
        # created up to the cutoff's second sorts below the next second's prefix; the exact test follows
        cut = (created_before.astimezone(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
        items = query_all(TableName=self.table, IndexName="by_open",
                          KeyConditionExpression="#o = :o AND #os < :cut",
                          ExpressionAttributeNames={"#o": "open", "#os": "open_sort"},
                          ExpressionAttributeValues={":o": value(_OPEN), ":cut": value(cut)})
        # the index is eventually consistent: the job's own record decides
        jobs = (self.get(str(i["task_id"])) for i in items)
        return [j for j in jobs if j is not None and j.status in OPEN and j.created_at < created_before]

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
