"""DynamoDB tables, one per ``shared.resources.TABLES`` entry."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from shared.resources import TABLES, TableSpec


def _string_key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


class DataConstruct(Construct):
    """On-demand tables with point-in-time recovery and AWS-managed encryption.

    Table names are left to CloudFormation; functions receive them through ``TableSpec.env_var``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tables: tuple[TableSpec, ...] = TABLES,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.specs = {spec.key: spec for spec in tables}
        self.tables: dict[str, dynamodb.Table] = {}
        for spec in tables:
            table = dynamodb.Table(
                self,
                _construct_id(spec.key),
                partition_key=_string_key(spec.partition_key),
                sort_key=_string_key(spec.sort_key),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                encryption=dynamodb.TableEncryption.AWS_MANAGED,
                time_to_live_attribute=spec.ttl_attribute,
                deletion_protection=removal_policy == RemovalPolicy.RETAIN,
                stream=dynamodb.StreamViewType.KEYS_ONLY if spec.stream else None,
                removal_policy=removal_policy,
            )
            for index in spec.indexes:
                table.add_global_secondary_index(
                    index_name=index.name,
                    partition_key=_string_key(index.partition_key),
                    sort_key=_string_key(index.sort_key),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            self.tables[spec.key] = table

    def table(self, key: str) -> dynamodb.Table:
        try:
            return self.tables[key]
        except KeyError:
            raise KeyError(f"no table {key!r} in the data construct (known: {sorted(self.tables)})") from None


def _construct_id(key: str) -> str:
    return "".join(part.capitalize() for part in key.replace("-", "_").split("_")) + "Table"
