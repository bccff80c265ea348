"""The jobs worker: the jobs state machine's Task handler, and the watch that makes every job end.

* ``{"task_id", "step": "run", "execution_id"}`` — the job service claims the job for the execution and computes
  it (pending → in_progress → completed); a job another execution holds is not computed twice;
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
    if event.get("step") == "fail":
        jobs_service().record_failure(task_id, catch_reason(event.get("error")))
        return {"task_id": task_id, "status": "failed"}
    execution_id = str(event.get("execution_id") or f"direct:{task_id}")
    return {"task_id": task_id, "status": jobs_service().run(task_id, execution_id)}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: Any) -> dict:
    return handle(event)
