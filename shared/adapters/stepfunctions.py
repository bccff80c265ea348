"""The Step Functions ``JobStarter`` (``shared.domain.jobs.ports``): starts the jobs state machine's
execution, named after the task id, so a retried or duplicated start is a no-op."""

from __future__ import annotations

import json

from shared.aws import client
from shared.settings import get_settings


class StepFunctionsJobStarter:
    def start(self, task_id: str) -> None:
        arn = get_settings().jobs_state_machine_arn
        if not arn:
            raise RuntimeError("GROUNDLINK_JOBS_STATE_MACHINE_ARN is not configured")
        sfn = client("stepfunctions")
        try:
            sfn.start_execution(stateMachineArn=arn, name=task_id, input=json.dumps({"task_id": task_id}))
        except sfn.exceptions.ExecutionAlreadyExists:
            pass
