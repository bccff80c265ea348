"""Alarms on API 5xx, on every function's errors and throttles, on dead-lettered events and on AWS errors that
outlasted the SDK's retries (answered 503 with Retry-After), published to one SNS topic.

The topic, its key and the alarms are a nested stack (the main stack stays clear of CloudFormation's 500
resources per stack, as the console does). An alarm only needs its metric's dimension, so the nested stack is
handed plain names (API id, function names, queue names, state-machine ARNs): each one a parameter of the
nested stack, set by the main stack.
"""

from __future__ import annotations

from aws_cdk import Duration, NestedStack, RemovalPolicy
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

PERIOD = Duration.minutes(5)


class MonitoringConstruct(Construct):
    """The monitoring nested stack, fed the names its alarms watch."""

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
        self.stack = MonitoringStack(
            self,
            "Stack",
            api_id=http_api.api_id,
            function_names={name: fn.function_name for name, fn in functions.items()},
            queue_names={key: q.queue_name for key, q in (dead_letter_queues or {}).items()},
            state_machine_arns={key: m.state_machine_arn for key, m in (state_machines or {}).items()},
            alarm_email=alarm_email,
            removal_policy=removal_policy,
        )
        self.key = self.stack.key
        self.topic = self.stack.topic
        self.alarms = self.stack.alarms


class MonitoringStack(NestedStack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_id: str,
        function_names: dict[str, str],
        queue_names: dict[str, str],
        state_machine_arns: dict[str, str],
        alarm_email: str | None,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id, description="Groundlink alarms (CloudWatch alarms, SNS topic)")
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
        self._action = cw_actions.SnsAction(self.topic)

        self.alarms: list[cloudwatch.Alarm] = []
        # HttpApi.metric_server_error: the API's 5xx count
        self._alarm("Api5xx", _metric("AWS/ApiGateway", "5xx", {"ApiId": api_id}), "The HTTP API answered 5xx")
        # shared.aws.record_unavailable: one platform-wide series (dimension service=groundlink), every function.
        self._alarm(
            "AwsUnavailable",
            _metric(METRICS_NAMESPACE, UNAVAILABLE_METRIC, {"service": SERVICE}),
            "AWS calls were throttled or failed after the SDK's retries: clients were answered 503 with "
            "Retry-After (the function, error code and operation are in the metric records' metadata)",
            threshold=5,
        )
        for name, function_name in sorted(function_names.items()):
            dimension = {"FunctionName": function_name}
            self._alarm(f"{pascal(name)}Errors", _metric("AWS/Lambda", "Errors", dimension),
                        f"Lambda {name} raised errors")
            self._alarm(f"{pascal(name)}Throttles", _metric("AWS/Lambda", "Throttles", dimension),
                        f"Lambda {name} was throttled")

        for key, queue_name in sorted(queue_names.items()):
            self._alarm(
                f"{pascal(key)}DeadLetters",
                _metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue_name},
                        statistic="Maximum"),
                f"Messages of queue {key} were dead-lettered: their events failed repeatedly",
            )

        for key, arn in sorted(state_machine_arns.items()):
            for what in ("Failed", "TimedOut"):
                self._alarm(
                    f"{pascal(key)}Executions{what}",
                    _metric("AWS/States", f"Executions{what}", {"StateMachineArn": arn}),
                    f"Executions of state machine {key} {what.lower().replace('timedout', 'timed out')}: "
                    "the jobs are recorded as failed, the cause is in the state machine's log",
                )

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str, threshold: int = 1) -> None:
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
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)


def _metric(namespace: str, name: str, dimensions: dict[str, str], statistic: str = "Sum") -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=namespace, metric_name=name, dimensions_map=dimensions, period=PERIOD,
                             statistic=statistic)
