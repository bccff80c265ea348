"""Scheduled workers: one EventBridge rule per ``FunctionSpec.every_s`` (e.g. the reservation lifecycle sweep,
every minute) targeting the function, with the target's retries on and a dead-letter queue (SSE-SQS, SSL only,
14 days) for the events it could not deliver; the monitoring construct alarms on that queue, and on the
function's errors like every function's.

Why a sweep over a time index and not one EventBridge Scheduler schedule per reservation: one rule whatever the
number of reservations, nothing to create or delete when a reservation is made, cancelled or moved, the same code
on the local runtime (a timer), and a late or missed run only delays — the next sweep finds everything due."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.functions import pascal
from infra.components.nag import acknowledge
from shared.resources import FunctionSpec


class SchedulesConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        specs: tuple[FunctionSpec, ...],
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, events.Rule] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in specs:
            if spec.every_s is None:
                continue
            if spec.name not in functions:
                raise ValueError(f"scheduled worker {spec.name}: no such function")
            name = pascal(spec.name)
            dlq = sqs.Queue(
                self,
                f"{name}ScheduleDeadLetterQueue",
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                retention_period=Duration.days(14),
                removal_policy=removal_policy,
            )
            acknowledge(
                dlq,
                "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the schedule's target (events EventBridge could not "
                "deliver to the function); a dead-letter queue has no dead-letter queue of its own.",
            )
            minutes = spec.every_s // 60
            rule = events.Rule(
                self,
                f"{name}Schedule",
                description=f"Every {minutes} minute{'s' if minutes > 1 else ''}: {spec.description}"[:512],
                schedule=events.Schedule.rate(Duration.minutes(minutes)),
            )
            rule.add_target(targets.LambdaFunction(
                functions[spec.name], dead_letter_queue=dlq, retry_attempts=2,
                max_event_age=Duration.seconds(max(60, spec.every_s)),
            ))
            self.rules[spec.name] = rule
            self.dead_letter_queues[f"{spec.name}_schedule"] = dlq
