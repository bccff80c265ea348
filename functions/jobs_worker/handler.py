"""Step Functions task handler of the jobs state machine (input ``{"task_id", "step", "error"?}``)."""

from __future__ import annotations

from typing import Any

from functions.jobs_worker.logic import JobWorker
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.jobs import jobs_repository
from shared.observability import logger


def handle(event: dict) -> dict:
    worker = JobWorker(jobs_repository(), catalog_repository())
    if event.get("step") == "fail":
        return worker.fail(event["task_id"], event.get("error"))
    return worker.run(event["task_id"])


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: Any) -> dict:
    return handle(event)
