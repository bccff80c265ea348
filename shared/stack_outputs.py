"""The outputs of a deployed Groundlink stack: what the CDK app declares and what the CLI reads back.

Derived from the specs of ``shared.resources`` (one output per table, bucket, queue and state machine, named
``<Key>Table``, ``<Key>Bucket``, ``<Key>Queue``, ``<Key>StateMachine``), plus the stage, the API URL and the JWT
signing-key secret. Each output that a function or the CLI needs carries the ``GROUNDLINK_*`` variable the local
runtime sets for it, so ``groundlink --stack NAME …`` configures itself exactly as ``make run`` does. A resource
kind added to ``SPEC_OUTPUTS`` gets its outputs in every stack and is read by the CLI, with no other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared import resources
from shared.resources import BUCKETS, QUEUES, STATE_MACHINES, TABLES

Kind = Literal["stage", "api", "secret", "table", "bucket", "queue", "state_machine", "event_bus"]


@dataclass(frozen=True)
class StackOutput:
    key: str  # the CloudFormation output key (a logical id: letters and digits)
    kind: Kind
    spec_key: str | None  # the spec's key (tables, buckets, …); None for the stack-wide outputs
    env_var: str | None  # the GROUNDLINK_* variable set from its value
    description: str


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


STAGE = StackOutput("GroundlinkStage", "stage", None, None, "Groundlink deployment stage (infra/stages.toml)")
API_URL = StackOutput("ApiUrl", "api", None, "GROUNDLINK_API_URL", "Groundlink HTTP API base URL")
JWT_SECRET = StackOutput("JwtSecretArn", "secret", None, "GROUNDLINK_JWT_SECRET_ARN",
                         "Secrets Manager secret holding the JWT signing key (rotated every 30 days)")

# (kind, output-key suffix, specs, what the output holds)
SPEC_OUTPUTS = (
    ("table", "Table", TABLES, "DynamoDB table name"),
    ("bucket", "Bucket", BUCKETS, "S3 bucket name"),
    ("queue", "Queue", QUEUES, "SQS queue URL"),
    ("state_machine", "StateMachine", STATE_MACHINES, "Step Functions state machine ARN"),
    # the platform's event bus, once shared/resources.py declares one (EVENT_BUS, an EventBusSpec)
    ("event_bus", "EventBus", tuple(b for b in (getattr(resources, "EVENT_BUS", None),) if b is not None),
     "EventBridge event bus name"),
)


def stack_outputs() -> tuple[StackOutput, ...]:
    outputs = [STAGE, API_URL, JWT_SECRET]
    for kind, suffix, specs, holds in SPEC_OUTPUTS:
        for spec in specs:
            outputs.append(StackOutput(f"{pascal(spec.key)}{suffix}", kind, spec.key, spec.env_var,
                                       f"{holds}: {spec.key}"))
    keys = [o.key for o in outputs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"two resources would share the stack outputs {duplicates}")
    return tuple(outputs)
