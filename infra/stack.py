"""``GroundlinkStack``: assembles the domain constructs, nothing else.

Environment-agnostic and deterministic: no lookups, no AWS calls, no Docker; the specs in
``shared.resources`` decide which tables, functions and routes exist, the stage (``infra/stages.py``) how
they are kept, throttled and named. The stack's outputs (``infra/components/outputs.py``) are what the CLI
reads to reach a deployed stage.
"""

from __future__ import annotations

from aws_cdk import Aspects, RemovalPolicy, Stack
from constructs import Construct

from infra.components import (
    ApiConstruct,
    ConsoleConstruct,
    DataConstruct,
    EventsConstruct,
    FunctionsConstruct,
    IdentityConstruct,
    JobsConstruct,
    LayersConstruct,
    MonitoringConstruct,
    SchedulesConstruct,
    StorageConstruct,
)
from infra.components.constants import CONTEXT_REFRESH_SOURCES, CONTEXT_SPACETRACK_SECRET
from infra.components.outputs import declare_outputs
from infra.components.refresh import CatalogRefreshConstruct
from infra.stages import LogRetention, StageConfig, stage_from_context
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
        stage: StageConfig | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.stage = stage or stage_from_context(self.node)
        removal_policy = REMOVAL_POLICIES[self.stage.removal_policy]

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
            reserve_concurrency=self.stage.reserved_concurrency,
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
        self.events = EventsConstruct(
            self,
            "Events",
            functions=self.functions.functions,
            specs=functions,
            data=self.data,
            storage=self.storage,
            removal_policy=removal_policy,
        )
        self.refresh: CatalogRefreshConstruct | None = None
        if "catalog_refresh" in self.functions.functions:
            self.refresh = CatalogRefreshConstruct(
                self, "CatalogRefresh", function=self.functions.functions["catalog_refresh"],
                hours=self.stage.refresh_hours,
                sources=self.node.try_get_context(CONTEXT_REFRESH_SOURCES) or None,
                spacetrack_secret=self.node.try_get_context(CONTEXT_SPACETRACK_SECRET) or None,
                removal_policy=removal_policy,
            )
        dead_letter_queues = dict(self.storage.dead_letter_queues)
        if self.refresh is not None:
            dead_letter_queues["catalog_refresh"] = self.refresh.dead_letter_queue
        self.api = ApiConstruct(
            self, "Api", functions=self.functions.entry_points, specs=functions, removal_policy=removal_policy,
            cors_origins=self.stage.cors_origins,
            throttle=self.stage.throttle,
        )
        self.monitoring = MonitoringConstruct(
            self,
            "Monitoring",
            http_api=self.api.http_api,
            functions=self.functions.functions,
            dead_letter_queues={**dead_letter_queues, **self.schedules.dead_letter_queues},
            state_machines=self.jobs.state_machines,
            alarm_email=self.stage.alarm_email or None,
            removal_policy=removal_policy,
        )
        self.console = ConsoleConstruct(self, "Console", api_url=self.api.url, removal_policy=removal_policy)
        Aspects.of(self).add(LogRetention(self.stage.log_retention_days))
        self.outputs = declare_outputs(
            self,
            stage=self.stage.name,
            api_url=self.api.url,
            jwt_secret_arn=self.identity.jwt_secret.secret_arn,
            values={
                "table": lambda key: self.data.table(key).table_name,
                "bucket": lambda key: self.storage.bucket(key).bucket_name,
                "queue": lambda key: self.storage.queue(key).queue_url,
                "state_machine": lambda key: self.jobs.state_machine(key).state_machine_arn,
                "event_bus": lambda key: self.events.bus.event_bus_name,  # the events construct, where present
            },
        )
