"""File storage and its events: one S3 bucket per ``shared.resources.BUCKETS`` entry, one SQS queue (with a
dead-letter queue) per ``QUEUES`` entry, fed by the ``ObjectCreated`` notifications of its source buckets.

Buckets: SSE-S3, SSL only, public access blocked, bucket-owner-enforced, versioned (overwritten versions expire
after ``noncurrent_days``), server access logs to one log bucket. Bucket names are deterministic
(``<stack>-<key>-<account>-<region>``) so the queue policy can name its source buckets without referencing
them: the notification configuration is set on the bucket itself, no custom resource (and no extra Lambda) is
needed, and CloudFormation creates the queue policy before the bucket validates its destination.

Queues: SSE-SQS, SSL only, redrive to the DLQ after ``max_receive_count`` receives; the DLQ keeps 14 days.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.functions import pascal
from infra.components.nag import acknowledge
from shared.resources import BUCKETS, QUEUES, BucketSpec, QueueSpec

ACCESS_LOG_DAYS = 90


class StorageConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        buckets: tuple[BucketSpec, ...] = BUCKETS,
        queues: tuple[QueueSpec, ...] = QUEUES,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        # Log delivery through a bucket policy rather than the legacy LogDeliveryWrite ACL (this subtree only).
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        self.bucket_specs = {spec.key: spec for spec in buckets}
        self.queue_specs = {spec.key: spec for spec in queues}
        stack_name = Stack.of(self).stack_name.lower()
        self.bucket_names = {spec.key: f"{stack_name}-{spec.key}-{Aws.ACCOUNT_ID}-{Aws.REGION}" for spec in buckets}

        self.access_logs = s3.Bucket(
            self,
            "AccessLogsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,  # the only encryption S3 server access logging writes to
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(ACCESS_LOG_DAYS))],
            removal_policy=removal_policy,
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the server-access-log bucket of the file buckets; logging its own access into itself "
            "would log every log delivery (a feedback loop). Object writes to it come only from the S3 log service.",
        )

        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in queues:
            self._queue(spec, removal_policy)

        self.buckets: dict[str, s3.Bucket] = {}
        for spec in buckets:
            self.buckets[spec.key] = self._bucket(spec, removal_policy)

    def _queue(self, spec: QueueSpec, removal_policy: RemovalPolicy) -> None:
        unknown = sorted(set(spec.sources) - set(self.bucket_specs))
        if unknown:
            raise ValueError(f"queue {spec.key}: unknown source buckets {unknown}")
        name = pascal(spec.key)
        dlq = sqs.Queue(
            self,
            f"{name}DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=removal_policy,
        )
        queue = sqs.Queue(
            self,
            f"{name}Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
            removal_policy=removal_policy,
        )
        if spec.sources:
            queue.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="S3ObjectCreatedNotifications",
                    principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                    actions=["sqs:SendMessage"],
                    resources=[queue.queue_arn],
                    conditions={
                        "ArnLike": {
                            "aws:SourceArn": [f"arn:{Aws.PARTITION}:s3:::{self.bucket_names[b]}" for b in spec.sources]
                        },
                        "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    },
                )
            )
        self.queues[spec.key] = queue
        self.dead_letter_queues[spec.key] = dlq

    def _bucket(self, spec: BucketSpec, removal_policy: RemovalPolicy) -> s3.Bucket:
        rules = [
            s3.LifecycleRule(
                id="expire-old-versions",
                noncurrent_version_expiration=Duration.days(spec.noncurrent_days),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        ]
        if spec.expire_days:
            rules.append(s3.LifecycleRule(id="expire-objects", expiration=Duration.days(spec.expire_days)))
        bucket = s3.Bucket(
            self,
            f"{pascal(spec.key)}Bucket",
            bucket_name=self.bucket_names[spec.key],
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            lifecycle_rules=rules,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{spec.key}/",
            removal_policy=removal_policy,
        )
        targets = [q for q in self.queue_specs.values() if spec.key in q.sources]
        if targets:
            cfn = bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
                queue_configurations=[
                    s3.CfnBucket.QueueConfigurationProperty(
                        event="s3:ObjectCreated:*", queue=self.queues[q.key].queue_arn
                    )
                    for q in targets
                ]
            )
            for q in targets:  # S3 checks it may send to the queue when the configuration is set
                bucket.node.add_dependency(self.queues[q.key].node.find_child("Policy"))
        return bucket

    def bucket(self, key: str) -> s3.Bucket:
        try:
            return self.buckets[key]
        except KeyError:
            raise KeyError(f"no bucket {key!r} in the storage construct (known: {sorted(self.buckets)})") from None

    def queue(self, key: str) -> sqs.Queue:
        try:
            return self.queues[key]
        except KeyError:
            raise KeyError(f"no queue {key!r} in the storage construct (known: {sorted(self.queues)})") from None
