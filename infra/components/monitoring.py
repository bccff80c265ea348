"""Alarms on API 5xx, on every function's errors and throttles, on dead-lettered events and on AWS errors that
outlasted the SDK's retries (answered 503 with Retry-After), published to one SNS topic."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.constants import METRICS_NAMESPACE, SERVICE, UNAVAILABLE_METRIC
from infra.components.functions import pascal


class MonitoringConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        http_api: apigwv2.HttpApi,
        functions: dict[str, lambda_.IFunction],
        dead_letter_queues: dict[str, sqs.IQueue] | None = None,
        state_machines: dict[str, sfn.IStateMachine] | None = None,
        alarm_email: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        # A customer-managed key: CloudWatch can only publish to a topic whose key lets it encrypt.
        self.key = kms.Key(
            self,
            "AlarmTopicKey",
            description="Groundlink alarm topic encryption",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        self.key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name="Groundlink alarms", master_key=self.key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        action = cw_actions.SnsAction(self.topic)

        self.alarms: list[cloudwatch.Alarm] = []
        self._alarm(
            "Api5xx",
            http_api.metric_server_error(period=Duration.minutes(5), statistic="Sum"),
            "The HTTP API answered 5xx",
            action,
        )
        # shared.aws.record_unavailable: one platform-wide series (dimension service=groundlink), every function.
        self._alarm(
            "AwsUnavailable",
            cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name=UNAVAILABLE_METRIC,
                dimensions_map={"service": SERVICE},
                period=Duration.minutes(5),
                statistic="Sum",
            ),
            "AWS calls were throttled or failed after the SDK's retries: clients were answered 503 with "
            "Retry-After (the function, error code and operation are in the metric records' metadata)",
            action,
            threshold=5,
        )
        for name, function in sorted(functions.items()):
            self._alarm(
                f"{pascal(name)}Errors",
                function.metric_errors(period=Duration.minutes(5), statistic="Sum"),
                f"Lambda {name} raised errors",
                action,
            )
            self._alarm(
                f"{pascal(name)}Throttles",
                function.metric_throttles(period=Duration.minutes(5), statistic="Sum"),
                f"Lambda {name} was throttled",
                action,
            )

        for key, dlq in sorted((dead_letter_queues or {}).items()):
            self._alarm(
                f"{pascal(key)}DeadLetters",
                dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(5), statistic="Maximum"),
                f"Messages of queue {key} were dead-lettered: their events failed repeatedly",
                action,
            )

        for key, machine in sorted((state_machines or {}).items()):
            for what, metric in (("Failed", machine.metric_failed), ("TimedOut", machine.metric_timed_out)):
                self._alarm(
                    f"{pascal(key)}Executions{what}",
                    metric(period=Duration.minutes(5), statistic="Sum"),
                    f"Executions of state machine {key} {what.lower().replace('timedout', 'timed out')}: "
                    "the jobs are recorded as failed, the cause is in the state machine's log",
                    action,
                )

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str, action,
               threshold: int = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(action)
        self.alarms.append(alarm)
