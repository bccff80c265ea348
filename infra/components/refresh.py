"""The scheduled catalogue refresh: an EventBridge schedule invokes the ``catalog_refresh`` function every
``groundlink:refreshHours`` hours (default 6, at least 1 — Space-Track asks for its GP class at most hourly).

The function pulls ``groundlink:refreshSources`` (default: CelesTrak's active GP group as OMM JSON). When
``groundlink:spaceTrackSecret`` names an existing secret (by name or ARN; the app never creates it nor knows its
value — an operator stores ``{"identity": …, "password": …}`` in it), the function may read that secret only,
and ``spacetrack:gp`` is added to the sources. A failed run (a source down, the document refused) is an error:
EventBridge's asynchronous invocation retries it twice, then the event goes to the refresh dead-letter queue,
whose messages raise the monitoring alarm (the function's own error alarm fires at the first failure).
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.constants import ENV_REFRESH_SOURCES, ENV_SPACETRACK_SECRET_ARN
from infra.components.nag import acknowledge
from shared.settings import Settings

DEFAULT_HOURS = 6
DEFAULT_SOURCES = str(Settings.model_fields["refresh_sources"].default)
SPACETRACK_GP = "spacetrack:gp"


def refresh_hours(value: object) -> int:
    text = str(value if value is not None else DEFAULT_HOURS).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"context groundlink:refreshHours must be a whole number of hours >= 1, not {text!r}")
    return int(text)


class CatalogRefreshConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, function: lambda_.Function, hours: int,
                 sources: str | None = None, spacetrack_secret: str | None = None,
                 removal_policy: RemovalPolicy = RemovalPolicy.RETAIN) -> None:
        super().__init__(scope, construct_id)
        sources = (sources or DEFAULT_SOURCES).strip()
        self.secret: secretsmanager.ISecret | None = None
        if spacetrack_secret:
            self.secret = (
                secretsmanager.Secret.from_secret_complete_arn(self, "SpaceTrackSecret", spacetrack_secret)
                if spacetrack_secret.startswith("arn:")
                else secretsmanager.Secret.from_secret_name_v2(self, "SpaceTrackSecret", spacetrack_secret)
            )
            self.secret.grant_read(function)  # secretsmanager:GetSecretValue/DescribeSecret on this secret only
            function.add_environment(ENV_SPACETRACK_SECRET_ARN, self.secret.secret_arn)
            if SPACETRACK_GP not in sources.split():
                sources = f"{sources} {SPACETRACK_GP}"
        function.add_environment(ENV_REFRESH_SOURCES, sources)

        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=removal_policy,
        )
        acknowledge(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the refresh: the on-failure destination of its "
            "asynchronous invocations and the EventBridge target's DLQ (cdk-nag only recognises SQS redrive).",
        )
        # Failed runs (after Lambda's two asynchronous retries) and events EventBridge could not deliver.
        function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
            retry_attempts=2,
            max_event_age=Duration.hours(1),
        )
        self.rule = events.Rule(
            self,
            "Schedule",
            description=f"Every {hours} h: the catalogue refresh pulls its element-set sources",
            schedule=events.Schedule.rate(Duration.hours(hours)),
        )
        self.rule.add_target(targets.LambdaFunction(function, dead_letter_queue=self.dead_letter_queue,
                                                    retry_attempts=2, max_event_age=Duration.hours(1)))
