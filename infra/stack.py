"""``GroundlinkStack``: assembles the domain constructs, nothing else.

Environment-agnostic and deterministic: no lookups, no AWS calls, no Docker; the specs in
``shared.resources`` decide which tables, functions and routes exist.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from constructs import Construct

from infra.components import (
    ApiConstruct,
    DataConstruct,
    FunctionsConstruct,
    IdentityConstruct,
    JobsConstruct,
    LayersConstruct,
    MonitoringConstruct,
    SchedulesConstruct,
    StorageConstruct,
)
from infra.components.constants import (
    CONTEXT_ALARM_EMAIL,
    CONTEXT_API_THROTTLE,
    CONTEXT_CORS_ORIGINS,
    CONTEXT_REMOVAL_POLICY,
    CONTEXT_RESERVED_CONCURRENCY,
)
from infra.cors import parse_origins
from shared.resources import (
    BUCKETS,
    FUNCTIONS,
    QUEUES,
    STATE_MACHINES,
    TABLES,
    BucketSpec,
    FunctionSpec,
    QueueSpec,
    StateMachineSpec,
    TableSpec,
)

REMOVAL_POLICIES = {"retain": RemovalPolicy.RETAIN, "destroy": RemovalPolicy.DESTROY}


class GroundlinkStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tables: tuple[TableSpec, ...] = TABLES,
        functions: tuple[FunctionSpec, ...] = FUNCTIONS,
        buckets: tuple[BucketSpec, ...] = BUCKETS,
        queues: tuple[QueueSpec, ...] = QUEUES,
        state_machines: tuple[StateMachineSpec, ...] = STATE_MACHINES,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal_policy = self._removal_policy()

        self.data = DataConstruct(self, "Data", tables=tables, removal_policy=removal_policy)
        self.storage = StorageConstruct(
            self, "Storage", buckets=buckets, queues=queues, removal_policy=removal_policy
        )
        self.identity = IdentityConstruct(self, "Identity", removal_policy=removal_policy)
        self.layers = LayersConstruct(
            self, "Layers", with_orbit_layer=any(spec.needs_orbit_layer for spec in functions)
        )
        self.functions = FunctionsConstruct(
            self,
            "Functions",
            data=self.data,
            layers=self.layers,
            jwt_secret=self.identity.jwt_secret,
            storage=self.storage,
            functions=functions,
            removal_policy=removal_policy,
            reserve_concurrency=str(self.node.try_get_context(CONTEXT_RESERVED_CONCURRENCY) or "true").lower()
            != "false",
        )
        if "jwt_key_rotation" in self.functions.functions:
            self.identity.rotate_with(self.functions.functions["jwt_key_rotation"])
        self.jobs = JobsConstruct(
            self,
            "Jobs",
            functions=self.functions.functions,
            specs=functions,
            state_machines=state_machines,
            removal_policy=removal_policy,
        )
        self.schedules = SchedulesConstruct(
            self, "Schedules", functions=self.functions.functions, specs=functions, removal_policy=removal_policy
        )
        self.api = ApiConstruct(
            self, "Api", functions=self.functions.functions, specs=functions, removal_policy=removal_policy,
            cors_origins=parse_origins(self.node.try_get_context(CONTEXT_CORS_ORIGINS)),
            throttle=self._api_throttle(),
        )
        self.monitoring = MonitoringConstruct(
            self,
            "Monitoring",
            http_api=self.api.http_api,
            functions=self.functions.functions,
            dead_letter_queues={**self.storage.dead_letter_queues, **self.schedules.dead_letter_queues},
            state_machines=self.jobs.state_machines,
            alarm_email=self.node.try_get_context(CONTEXT_ALARM_EMAIL) or None,
            removal_policy=removal_policy,
        )

    def _api_throttle(self) -> tuple[float, int]:
        """The stage's default throttling, (requests per second, burst), from ``groundlink:apiThrottle``."""
        text = str(self.node.try_get_context(CONTEXT_API_THROTTLE) or "200/400")
        try:
            rate, burst = text.split("/")
            return float(rate), int(burst)
        except ValueError:
            raise ValueError(
                f"context {CONTEXT_API_THROTTLE} must be 'rate/burst' (e.g. 200/400), not {text!r}"
            ) from None

    def _removal_policy(self) -> RemovalPolicy:
        value = str(self.node.try_get_context(CONTEXT_REMOVAL_POLICY) or "retain").lower()
        if value not in REMOVAL_POLICIES:
            raise ValueError(f"context {CONTEXT_REMOVAL_POLICY} must be one of {sorted(REMOVAL_POLICIES)}")
        return REMOVAL_POLICIES[value]
