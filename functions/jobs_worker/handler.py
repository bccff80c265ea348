"""The jobs worker: the jobs state machine's Task handler, and the watch that makes every job end.

* ``{"task_id", "step": "plan", "execution_id"}`` — claims the job for the execution, stores its inputs and
  answers ``{"chunks": [0, 1, …]}``, the indices the state machine's Map fans out over (a job another execution
  holds, or a finished one, has none);
* ``{"task_id", "step": "chunk", "chunk"}`` — computes one chunk into the results bucket (the last chunk to finish
  merges the parts and completes the job);
* ``{"task_id", "step": "chunk_failed", "chunk", "error"}`` — the chunk's Catch after its retries: the job fails
  with the chunk's reason;
* ``{"task_id", "step": "merge", "execution_id"}`` — answers the job as its chunks left it (merges the stored parts
  and completes it if no chunk did);
* ``{"task_id", "step": "run", "execution_id"}`` — every step in this one invocation (a direct run);
* ``{"task_id", "step": "fail", "error"}`` — the state machine's Catch: the job becomes failed with a sentence
  about the job (``shared.domain.jobs.service.failure_reason``), never the SDK's message;
* an EventBridge "Step Functions Execution Status Change" (FAILED, TIMED_OUT, ABORTED) — a job its execution
  left open becomes failed (the execution's name is the task id);
* an EventBridge "Scheduled Event" — the sweep: every job still open past its bound becomes failed.
"""

from __future__ import annotations

import json
from typing import Any

from shared.domain.jobs.service import failure_reason
from shared.observability import logger
from shared.wiring.jobs import jobs_service

EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
SCHEDULED_EVENT = "Scheduled Event"


def catch_reason(error: dict | None) -> str:
    """The sentence for a Catch's ``{"Error", "Cause"}``. A Lambda error's Cause is JSON
    (``{"errorMessage", "errorType", ...}``); Step Functions' own errors (``States.Timeout``…) carry text."""
    error = error or {}
    name, message = error.get("Error"), None
    cause = error.get("Cause")
    try:
        parsed = json.loads(cause) if isinstance(cause, str) else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        name = parsed.get("errorType") or name
        message = parsed.get("errorMessage")
    return failure_reason(str(name) if name else None, str(message) if message is not None else None)


def handle(event: dict) -> dict:
    if event.get("detail-type") == EXECUTION_STATUS_CHANGE:
        detail = event.get("detail") or {}
        task_id, status = str(detail.get("name", "")), str(detail.get("status", ""))
        execution_id = str(detail.get("executionArn") or "") or None
        recorded = bool(task_id) and jobs_service().execution_ended(task_id, status, execution_id)
        return {"task_id": task_id, "execution_status": status, "recorded": recorded}
    if event.get("detail-type") == SCHEDULED_EVENT:
        return {"swept": jobs_service().sweep()}
    task_id = event["task_id"]
    step = event.get("step")
    if step == "plan":
        return {"task_id": task_id, "chunks": jobs_service().fanout.plan(task_id, str(event["execution_id"]))}
    if step == "chunk":
        index = int(event["chunk"])
        return {"task_id": task_id, "chunk": index, "chunks_done": jobs_service().fanout.chunk(task_id, index)}
    if step == "chunk_failed":
        index = int(event["chunk"])
        recorded = jobs_service().fanout.chunk_failed(task_id, index, catch_reason(event.get("error")))
        return {"task_id": task_id, "chunk": index, "recorded": recorded}
    if step == "merge":
        return {"task_id": task_id, "status": jobs_service().fanout.merge(task_id, str(event["execution_id"]))}
    if step == "fail":
        jobs_service().record_failure(task_id, catch_reason(event.get("error")))
        return {"task_id": task_id, "status": "failed"}
    execution_id = str(event.get("execution_id") or f"direct:{task_id}")
    return {"task_id": task_id, "status": jobs_service().run(task_id, execution_id)}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: Any) -> dict:
    return handle(event)
