"""Step Functions task handler of the jobs state machine (input ``{"task_id", "step", "error"?}``).

``run``  — the job service computes the job (pending/in_progress → in_progress → completed);
``fail`` — the state machine's Catch: the job becomes failed with the error's message.
"""

from __future__ import annotations

import json
from typing import Any

from shared.observability import logger
from shared.wiring.jobs import jobs_service


def failure_reason(error: dict | None) -> str:
    """The message of a Catch's ``{"Error", "Cause"}``: Lambda error causes are JSON — keep the message,
    never a stack trace."""
    cause = (error or {}).get("Cause") or (error or {}).get("Error") or "the job failed"
    try:
        cause = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError, TypeError):
        pass
    return str(cause)


def handle(event: dict) -> dict:
    task_id = event["task_id"]
    if event.get("step") == "fail":
        jobs_service().record_failure(task_id, failure_reason(event.get("error")))
        return {"task_id": task_id, "status": "failed"}
    return {"task_id": task_id, "status": jobs_service().run(task_id)}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: Any) -> dict:
    return handle(event)
