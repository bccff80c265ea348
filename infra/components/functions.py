"""One Lambda function per ``shared.resources.FUNCTIONS`` entry, each with only the grants it asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_cdk import AssetHashType, Aws, CfnCondition, Duration, Fn, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import build_assets
from infra.build_assets import BuiltAsset
from infra.components.constants import (
    ENV_ENVIRONMENT,
    ENV_FUNCTION_TIMEOUT,
    ENV_JWT_SECRET_ARN,
    ENV_REGION,
    LAMBDA_ARCHITECTURE,
    LAMBDA_RUNTIME,
    LOG_RETENTION,
    METRICS_NAMESPACE,
    SERVICE,
)
from infra.components.data import DataConstruct
from infra.components.layers import LayersConstruct
from infra.components.nag import acknowledge, arn_ref
from shared.resources import FUNCTIONS, FunctionSpec

if TYPE_CHECKING:
    from infra.components.storage import StorageConstruct


_OBJECTS = "S3 object-level actions only apply to objects, so the grant names the bucket's objects"
_BUCKET_FINDINGS: dict[str, list[tuple[str, str]]] = {
    "read": [
        ("AwsSolutions-IAM5[Action::s3:GetObject*]", "grant_read: GetObject and its version/ACL/tagging variants"),
        ("AwsSolutions-IAM5[Action::s3:GetBucket*]", "grant_read: bucket location/versioning lookups the SDK makes"),
        ("AwsSolutions-IAM5[Action::s3:List*]", "grant_read: listing one bucket's objects and versions"),
        ("AwsSolutions-IAM5[Resource::{bucket}/*]", _OBJECTS),
    ],
    "write": [
        ("AwsSolutions-IAM5[Action::s3:GetObject*]", "grant_read: GetObject and its version/ACL/tagging variants"),
        ("AwsSolutions-IAM5[Action::s3:GetBucket*]", "grant_read: bucket location/versioning lookups the SDK makes"),
        ("AwsSolutions-IAM5[Action::s3:List*]", "grant_read: listing one bucket's objects and versions"),
        ("AwsSolutions-IAM5[Action::s3:Abort*]", "grant_put: aborting the function's own multipart uploads"),
        ("AwsSolutions-IAM5[Resource::{bucket}/*]", _OBJECTS),
    ],
}


LIVE_ALIAS = "live"  # an HTTP function's alias: its latest published version, behind API Gateway


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


class FunctionsConstruct(Construct):
    """Creates the functions; other constructs wire triggers to them (``functions[name]``).

    Every function gets its own role: write access to its own log group, X-Ray, and exactly the
    tables of its spec (``read`` → ``grant_read_data``, ``write`` → ``grant_read_write_data``), plus
    the JWT signing key when ``needs_jwt_secret``. The orbit layer only when ``needs_orbit_layer``.
    Buckets likewise (``read`` → ``grant_read``; ``write`` → ``grant_read`` + ``grant_put``, never delete), and a
    worker with a ``queue`` gets an SQS event source with partial batch responses (ReportBatchItemFailures).

    An HTTP function (``spec.routes``) runs with SnapStart on its published versions: each deployment publishes
    a version (``current_version``: a new one whenever the code or configuration changes), its ``live`` alias
    points at it, and API Gateway invokes the alias (``entry_points``), so requests reach a restored snapshot
    rather than an initialising function (``shared/snapstart.py``: the priming and the resets after a restore).
    Workers are invoked by queues, schedules and Step Functions, where a cold start is not a caller's wait:
    they keep ``$LATEST`` and no SnapStart.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataConstruct,
        layers: LayersConstruct,
        jwt_secret: secretsmanager.ISecret,
        storage: StorageConstruct | None = None,
        functions: tuple[FunctionSpec, ...] = FUNCTIONS,
        code_builder: Callable[[], BuiltAsset] = build_assets.function_code,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        reserve_concurrency: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        names = [spec.name for spec in functions]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"function specs defined twice: {duplicates}")
        self.specs = {spec.name: spec for spec in functions}
        self.functions: dict[str, lambda_.Function] = {}
        self.aliases: dict[str, lambda_.Alias] = {}
        code = None
        for spec in functions:
            if code is None:
                asset = code_builder()
                code = lambda_.Code.from_asset(
                    str(asset.path), asset_hash=asset.asset_hash, asset_hash_type=AssetHashType.CUSTOM
                )
            self.functions[spec.name] = self._function(
                spec, code, data=data, layers=layers, jwt_secret=jwt_secret, removal_policy=removal_policy
            )
            if reserve_concurrency and spec.reserved_concurrency:
                cfn_function = self.functions[spec.name].node.default_child
                assert isinstance(cfn_function, lambda_.CfnFunction)
                cfn_function.reserved_concurrent_executions = spec.reserved_concurrency
            if spec.routes:
                self.aliases[spec.name] = lambda_.Alias(
                    self.functions[spec.name].node.scope or self, "Live", alias_name=LIVE_ALIAS,
                    version=self.functions[spec.name].current_version,
                    description=f"{spec.name}: the published version API Gateway invokes (SnapStart)",
                )
            if spec.buckets or spec.queue or spec.sends:
                if storage is None:
                    raise ValueError(f"{spec.name} uses buckets or a queue but the stack has no storage construct")
                self._storage(spec, self.functions[spec.name], storage)

    def _function(
        self,
        spec: FunctionSpec,
        code: lambda_.Code,
        *,
        data: DataConstruct,
        layers: LayersConstruct,
        jwt_secret: secretsmanager.ISecret,
        removal_policy: RemovalPolicy,
    ) -> lambda_.Function:
        scope = Construct(self, pascal(spec.name))
        log_group = logs.LogGroup(scope, "Logs", retention=LOG_RETENTION, removal_policy=removal_policy)
        role = iam.Role(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Groundlink {spec.name}: {spec.description}"[:1000],
        )
        log_group.grant_write(role)

        environment = {
            ENV_ENVIRONMENT: "aws",
            ENV_REGION: Aws.REGION,
            ENV_FUNCTION_TIMEOUT: str(spec.timeout_s),
            "POWERTOOLS_SERVICE_NAME": f"{SERVICE}-{spec.name}",
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
        for key in sorted(spec.tables):
            table = data.table(key)  # KeyError names the unknown table
            environment[data.specs[key].env_var] = table.table_name
        if spec.needs_jwt_secret:
            environment[ENV_JWT_SECRET_ARN] = jwt_secret.secret_arn

        function_layers = [layers.runtime_layer]
        if spec.needs_orbit_layer:
            if layers.orbit_layer is None:
                raise ValueError(f"{spec.name} needs the orbit layer but the layers construct has none")
            function_layers.append(layers.orbit_layer)

        function = lambda_.Function(
            scope,
            "Function",
            description=spec.description[:256],
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            handler=spec.handler,
            code=code,
            layers=function_layers,
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            environment=environment,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
        )
        if spec.routes:  # SnapStart for Python (3.12 and later): only published versions are snapshotted
            cfn_function = function.node.default_child
            assert isinstance(cfn_function, lambda_.CfnFunction)
            cfn_function.add_property_override("SnapStart", Fn.condition_if(
                self._snap_start_available().logical_id, {"ApplyOn": "PublishedVersions"}, Aws.NO_VALUE))
            # cfn-lint's E2530 (SnapStart not offered in cn-north-1) does not evaluate the partition condition
            # that leaves SnapStart out there
            cfn_function.add_metadata("cfn-lint", {"config": {"ignore_checks": ["E2530"]}})

        for key, access in sorted(spec.tables.items()):
            table = data.table(key)
            if access == "read":
                table.grant_read_data(function)
            elif access == "write":
                table.grant_read_write_data(function)
            else:
                raise ValueError(f"{spec.name}: unknown access {access!r} to table {key!r}")
            if data.specs[key].indexes:
                acknowledge(
                    role,
                    f"AwsSolutions-IAM5[Resource::{arn_ref(table)}/index/*]",
                    f"grant_{'read' if access == 'read' else 'read_write'}_data covers the GSIs of the "
                    f"{key} table this function queries; the wildcard only spans that table's own indexes.",
                )
        if spec.needs_jwt_secret:
            jwt_secret.grant_read(function)

        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level "
            "permissions: AWS requires Resource '*' for these actions.",
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "python3.12 is pinned on purpose: the layers are built for cp312 wheels "
            "(infra/build_assets.py LAMBDA_PYTHON_VERSION); the runtime moves with them, not alone.",
        )
        return function

    def _snap_start_available(self) -> CfnCondition:
        """SnapStart is not offered in the ``aws-cn`` partition (cdk.json targets it too): there the functions run
        their published versions without it."""
        existing = self.node.try_find_child("SnapStartAvailable")
        if isinstance(existing, CfnCondition):
            return existing
        return CfnCondition(self, "SnapStartAvailable",
                            expression=Fn.condition_not(Fn.condition_equals(Aws.PARTITION, "aws-cn")))

    def _storage(self, spec: FunctionSpec, function: lambda_.Function, storage: StorageConstruct) -> None:
        role = function.role
        assert role is not None
        for key, access in sorted(spec.buckets.items()):
            bucket = storage.bucket(key)  # KeyError names the unknown bucket
            function.add_environment(storage.bucket_specs[key].env_var, bucket.bucket_name)
            bucket.grant_read(function)
            if access == "write":
                bucket.grant_put(function)
            elif access != "read":
                raise ValueError(f"{spec.name}: unknown access {access!r} to bucket {key!r}")
            for finding, why in _BUCKET_FINDINGS[access]:
                acknowledge(role, finding.format(bucket=arn_ref(bucket)), f"{why} ({key} bucket, {spec.name}).")
        for key in spec.sends:  # SendMessage on exactly these queues, their URLs in QueueSpec.env_var
            queue = storage.queue(key)
            queue.grant_send_messages(function)
            function.add_environment(storage.queue_specs[key].env_var, queue.queue_url)
        if spec.queue:
            queue_spec = storage.queue_specs[spec.queue]
            if queue_spec.visibility_timeout_s < 6 * spec.timeout_s:
                raise ValueError(f"{spec.name}: queue {spec.queue} visibility timeout must be >= 6x the timeout")
            function.add_event_source(
                event_sources.SqsEventSource(
                    storage.queue(spec.queue),
                    batch_size=queue_spec.batch_size,
                    max_batching_window=Duration.seconds(queue_spec.max_batching_window_s),
                    report_batch_item_failures=True,
                )
            )

    @property
    def entry_points(self) -> dict[str, lambda_.IFunction]:
        """What invokes each function: an HTTP function's ``live`` alias (SnapStart), a worker itself."""
        return {name: self.aliases.get(name, function) for name, function in self.functions.items()}

    def function(self, name: str) -> lambda_.Function:
        try:
            return self.functions[name]
        except KeyError:
            raise KeyError(f"no function {name!r} (known: {sorted(self.functions)})") from None
