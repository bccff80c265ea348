"""The one source of truth for Groundlink's AWS resources.

The CDK app (``infra/``) and the local runtime (``infra/local``) both read these specs: table keys and
indexes, buckets, queues and the Lambda function groups with their HTTP routes and data grants.
Nothing here imports boto3 or aws-cdk-lib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

Access = Literal["read", "write"]
Surface = Literal["spacego", "orbapi", "ssa", "pipeline", "admin", "satnogs"]


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table: string keys, on-demand billing, point-in-time recovery."""

    key: str  # logical name, also used in env var GROUNDLINK_<KEY>_TABLE
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    stream: bool = False  # a DynamoDB stream (keys only) that triggers a function (EventBusSpec.relay)

    @property
    def env_var(self) -> str:
        return f"GROUNDLINK_{self.key.upper()}_TABLE"

    @property
    def local_name(self) -> str:
        return f"groundlink-{self.key}"

    def attribute_names(self) -> list[str]:
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        for index in self.indexes:
            names.append(index.partition_key)
            if index.sort_key:
                names.append(index.sort_key)
        return list(dict.fromkeys(names))


CATALOG = TableSpec(key="catalog", partition_key="pk", sort_key="sk")
LEDGER = TableSpec(
    key="ledger",
    partition_key="pk",
    sort_key="sk",
    # by_due: the sparse time index, only reservations time will still move (due / <due time>#<booking id>)
    indexes=(Index("by_owner", "owner", "owner_sort"), Index("by_due", "due", "due_sort")),
)
IDENTITY = TableSpec(key="identity", partition_key="pk", sort_key="sk", ttl_attribute="expires_at")
IDEMPOTENCY = TableSpec(key="idempotency", partition_key="id", ttl_attribute="expiration")
PROFILES = TableSpec(
    key="profiles",
    partition_key="pk",
    sort_key="sk",
    indexes=(Index("by_parent", "parent", "parent_sort"),),
)

# Uplink/downlink file records: BOOKING#<id:012d> / FILE#<id:012d>, an object that arrived before its metadata
# OBJECT#<bucket>/<key> / OBJECT; GSI by S3 key so an S3 event finds its file.
FILES = TableSpec(
    key="files",
    partition_key="pk",
    sort_key="sk",
    indexes=(Index("by_key", "s3_key", "sk"),),
)
# Station heartbeats (the command broker's lastSeenAt): STATION#<gs_id> / HEARTBEAT.
STATIONS = TableSpec(key="stations", partition_key="pk", sort_key="sk")

# Asynchronous jobs (pass analysis, maneuver detection): JOB#<task_id> / META, HISTORY#<id> / META; GSI by owner;
# sparse GSI by_open holding only the jobs still pending or in progress (the sweep's query).
JOBS = TableSpec(
    key="jobs",
    partition_key="pk",
    sort_key="sk",
    indexes=(Index("by_owner", "owner", "owner_sort"), Index("by_open", "open", "open_sort")),
)

# News articles (SSA "News Operations"): NEWS / <date>#<id> (newest first, time ranges), ARTICLE#<id> / ARTICLE.
NEWS = TableSpec(key="news", partition_key="pk", sort_key="sk")

# Per-principal rate-limit token buckets: BUCKET#<kind>#<subject>#<scope class>; idle buckets expire (TTL).
RATELIMIT = TableSpec(key="ratelimit", partition_key="pk", ttl_attribute="expires_at")

# Domain events waiting to be published (the outbox): OUTBOX / <time>#<id>; written in the transaction of the
# change each describes, removed by the relay once the event bus took it.
# Its stream wakes the relay as soon as an event is written.
EVENTS = TableSpec(key="events", partition_key="pk", sort_key="sk", stream=True)

# Owners' webhooks: WEBHOOK#<id> / META (GSI by_owner), WEBHOOK#<id> / DELIVERED#<event id> (expires: TTL).
WEBHOOKS = TableSpec(key="webhooks", partition_key="pk", sort_key="sk",
                     indexes=(Index("by_owner", "owner", "owner_sort"),), ttl_attribute="expires_at")

TABLES: tuple[TableSpec, ...] = (CATALOG, LEDGER, IDENTITY, IDEMPOTENCY, PROFILES, FILES, STATIONS, JOBS, NEWS,
                                 RATELIMIT, EVENTS, WEBHOOKS)


@dataclass(frozen=True)
class BucketSpec:
    """An S3 bucket: encrypted, SSL only, public access blocked, versioned, access-logged.

    ``noncurrent_days`` expires overwritten versions; ``expire_days`` (optional) expires objects."""

    key: str  # logical name, also used in env var GROUNDLINK_<KEY>_BUCKET
    description: str
    noncurrent_days: int = 30
    expire_days: int | None = None

    @property
    def env_var(self) -> str:
        return f"GROUNDLINK_{self.key.upper()}_BUCKET"

    @property
    def local_name(self) -> str:
        return f"groundlink-{self.key}"


UPLINK = BucketSpec(key="uplink", description="uplink payloads put by clients under clients/<owner>/")
DOWNLINK = BucketSpec(key="downlink", description="downlinked data dropped by stations under downlink/<booking>/",
                      expire_days=90)
DELIVERY = BucketSpec(key="delivery", description="downlinked data delivered to clients under clients/<owner>/")

# The jobs' documents (jobs/<task_id>/inputs.json, chunks/<i>.json, result.json): written by the jobs worker,
# read by the SSA and pipeline job functions (inline, or a presigned GET); expired after 30 days, the result
# pointer on the job record then answers a URL to nothing (the analysis may be submitted again).
RESULTS = BucketSpec(key="results", description="pass-analysis inputs, chunk parts and results of the jobs under "
                     "jobs/<task_id>/", noncurrent_days=1, expire_days=30)

BUCKETS: tuple[BucketSpec, ...] = (UPLINK, DOWNLINK, DELIVERY, RESULTS)


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue (encrypted, SSL only) with a dead-letter queue, fed by ``ObjectCreated`` notifications of
    the ``sources`` buckets. A worker consumes it by naming it in ``FunctionSpec.queue``."""

    key: str
    description: str
    sources: tuple[str, ...] = ()  # bucket keys whose ObjectCreated events are sent here
    max_receive_count: int = 5  # deliveries before a message moves to the DLQ
    visibility_timeout_s: int = 360  # >= 6x the consumer's timeout, as AWS recommends for SQS triggers
    batch_size: int = 10
    max_batching_window_s: int = 1

    @property
    def env_var(self) -> str:
        return f"GROUNDLINK_{self.key.upper()}_QUEUE"

    @property
    def local_name(self) -> str:
        return f"groundlink-{self.key}"


FILE_EVENTS = QueueSpec(
    key="file_events",
    description="S3 ObjectCreated events of the uplink and downlink buckets",
    sources=("uplink", "downlink"),
)

# Every groundlink event on the bus (its rule's target), for the webhook fan-out.
WEBHOOK_EVENTS = QueueSpec(key="webhook_events", description="groundlink events from the event bus, for the "
                           "webhook fan-out", visibility_timeout_s=180)
# One message per (event, webhook); a failed POST comes back delayed (exponential backoff, at most 900 s).
WEBHOOK_DELIVERIES = QueueSpec(key="webhook_deliveries", description="signed webhook deliveries, retried with "
                               "exponential backoff", visibility_timeout_s=360, batch_size=5)

QUEUES: tuple[QueueSpec, ...] = (FILE_EVENTS, WEBHOOK_EVENTS, WEBHOOK_DELIVERIES)


@dataclass(frozen=True)
class EventBusSpec:
    """The EventBridge bus of Groundlink's domain events. ``relay`` drains the outbox table (``outbox``) onto
    it, woken by the table's stream and every ``relay_every_s`` (the safety net); one rule sends every event of
    ``sources`` to ``queue`` (the webhook fan-out's)."""

    key: str
    relay: str  # FunctionSpec.name
    outbox: str  # TableSpec.key
    queue: str  # QueueSpec.key
    sources: tuple[str, ...]
    relay_every_s: int = 60
    local_relay_every_s: float = 1.0  # the local runtime's timer

    @property
    def env_var(self) -> str:
        return "GROUNDLINK_EVENT_BUS_NAME"

    @property
    def local_name(self) -> str:
        return f"groundlink-{self.key}"


EVENT_BUS = EventBusSpec(key="events", relay="events_relay", outbox="events", queue="webhook_events",
                         sources=("groundlink.ledger", "groundlink.files", "groundlink.jobs", "groundlink.maneuvers",
                                  "groundlink.catalog"))


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /orbapi/gs/id/{id}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def routes(*specs: str) -> tuple[Route, ...]:
    out = []
    for spec in specs:
        method, path = spec.split(" ", 1)
        out.append(Route(method, path))
    return tuple(out)


@dataclass(frozen=True)
class StateMachineSpec:
    """A Step Functions state machine whose Task states invoke one worker function.

    ``definition`` is Amazon States Language with ``${WorkerArn}`` where the worker's ARN goes and
    ``${Partition}`` in service ARNs: the CDK app substitutes the deployed function's ARN and the stack's
    partition (``aws``, ``aws-cn``…), the local runtime the emulated ones — one definition for both.
    """

    key: str  # env var GROUNDLINK_<KEY>_STATE_MACHINE_ARN in the functions that start it
    worker: str  # FunctionSpec.name of the task handler
    definition: dict
    timeout_s: int = 3600  # the execution's limit (shared.domain.jobs.service.EXECUTION_LIMIT)
    # The worker also receives the executions' FAILED / TIMED_OUT / ABORTED status changes (an EventBridge rule)
    # and, every ``sweep_every_s``, a scheduled sweep of jobs left open past their bound.
    sweep_every_s: int = 300
    # The local runtime runs every Map iteration in its own process (threads): it lowers the Maps'
    # MaxConcurrency to this many, so that a job's chunks in flight stay within the process's memory.
    local_map_concurrency: int = 2

    @property
    def env_var(self) -> str:
        return f"GROUNDLINK_{self.key.upper()}_STATE_MACHINE_ARN"

    def definition_for(self, worker_arn: str, partition: str = "aws", map_concurrency: int | None = None) -> str:
        """The ASL document with the worker's ARN, the partition and the execution timeout (``TimeoutSeconds``: a
        definition given as a string carries its own timeout; the CDK's ``timeout`` only applies to chained
        definitions). ``map_concurrency`` replaces the ``MaxConcurrency`` of every top-level Map state (the
        local runtime's ``local_map_concurrency``); nothing else differs."""
        import json

        states = {name: {**state, "MaxConcurrency": map_concurrency}
                  if map_concurrency is not None and state.get("Type") == "Map" else state
                  for name, state in self.definition["States"].items()}
        document = json.dumps({**self.definition, "States": states, "TimeoutSeconds": self.timeout_s})
        return document.replace("${WorkerArn}", worker_arn).replace("${Partition}", partition)


_LAMBDA_RETRY = {
    "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException"],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
}
# Recording the failure must not fail for good: every error is retried, 2 s doubling up to 60 s, 8 attempts
# (about 3 minutes); if even that fails, the execution fails and the execution-status rule or the sweep
# records the job.
_RECORD_RETRY = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 8, "BackoffRate": 2.0,
                 "MaxDelaySeconds": 60}
# A chunk that fails is retried (any error: a worker out of memory or time, a busy store), 2 s doubling, 3 attempts
# in all; then its Catch fails the job with the chunk's reason.
_CHUNK_RETRY = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 2.0}


def _invoke(payload: dict) -> dict:
    return {"Type": "Task", "Resource": "arn:${Partition}:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${WorkerArn}", "Payload": payload}}


def _record_failure_catch() -> list[dict]:
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}]


JOBS_STATE_MACHINE = StateMachineSpec(
    key="jobs",
    worker="jobs_worker",
    definition={
        "Comment": "Groundlink job: plan it in chunks for this execution, compute the chunks in a Distributed Map "
                   "(their parts go to the results bucket; the Map's items are chunk indices), merge them; on "
                   "failure record the reason on the job, then fail",
        "StartAt": "Plan",
        "States": {
            "Plan": {
                **_invoke({"task_id.$": "$.task_id", "step": "plan", "execution_id.$": "$$.Execution.Id"}),
                "ResultSelector": {"chunks.$": "$.Payload.chunks"},
                "ResultPath": "$.plan",
                "Retry": [_LAMBDA_RETRY],
                "Catch": _record_failure_catch(),
                "Next": "Chunks",
            },
            "Chunks": {
                "Type": "Map",
                "ItemsPath": "$.plan.chunks",
                "ItemSelector": {"task_id.$": "$.task_id", "chunk.$": "$$.Map.Item.Value"},
                "MaxConcurrency": 16,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Chunk",
                    "States": {
                        "Chunk": {
                            **_invoke({"task_id.$": "$.task_id", "step": "chunk", "chunk.$": "$.chunk"}),
                            "ResultSelector": {"chunks_done.$": "$.Payload.chunks_done"},
                            "Retry": [_LAMBDA_RETRY, _CHUNK_RETRY],
                            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                                       "Next": "ChunkFailed"}],
                            "End": True,
                        },
                        "ChunkFailed": {
                            **_invoke({"task_id.$": "$.task_id", "step": "chunk_failed", "chunk.$": "$.chunk",
                                       "error.$": "$.error"}),
                            "Retry": [_RECORD_RETRY],
                            "Next": "ChunkGivenUp",
                        },
                        "ChunkGivenUp": {"Type": "Fail", "Error": "ChunkFailed",
                                         "Cause": "a chunk failed after its retries; the job records its reason"},
                    },
                },
                "ResultPath": None,
                "Catch": _record_failure_catch(),
                "Next": "Merge",
            },
            "Merge": {
                **_invoke({"task_id.$": "$.task_id", "step": "merge", "execution_id.$": "$$.Execution.Id"}),
                "ResultSelector": {"result.$": "$.Payload"},
                "ResultPath": "$.run",
                "Retry": [_LAMBDA_RETRY],
                "Catch": _record_failure_catch(),
                "End": True,
            },
            "RecordFailure": {
                **_invoke({"task_id.$": "$.task_id", "step": "fail", "error.$": "$.error"}),
                "Retry": [_RECORD_RETRY],
                "Next": "Failed",
            },
            "Failed": {"Type": "Fail", "Error": "JobFailed", "Cause": "the job failed; its record holds the reason"},
        },
    },
)
STATE_MACHINES: tuple[StateMachineSpec, ...] = (JOBS_STATE_MACHINE,)


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: an HTTP endpoint group (FastAPI app + Mangum) or a worker."""

    name: str  # folder under functions/
    surface: Surface
    description: str
    routes: tuple[Route, ...] = ()
    tables: dict[str, Access] = field(default_factory=dict)
    needs_orbit_layer: bool = False
    needs_jwt_secret: bool = True
    memory_mb: int = 512
    timeout_s: int = 29
    buckets: dict[str, Access] = field(default_factory=dict)  # read: get objects; write: read + put (no delete)
    queue: str | None = None  # a worker triggered by this queue (QueueSpec.key), partial batch failures
    starts: tuple[str, ...] = ()  # StateMachineSpec keys this function may start executions of
    sends: tuple[str, ...] = ()  # QueueSpec keys this function sends messages to (URL in QueueSpec.env_var)
    needs_webhook_key: bool = False  # encrypts or decrypts webhook signing secrets
    # Concurrent executions reserved for (and capping) a heavy function, so a burst on it cannot take the
    # account's whole concurrency; None: the account's unreserved pool.
    reserved_concurrency: int | None = None
    # A scheduled worker: an EventBridge rule sends it a "Scheduled Event" every ``every_s`` (whole minutes), with
    # a dead-letter queue for events it failed; the local runtime every ``Settings.<local_every_setting>`` seconds.
    every_s: int | None = None
    local_every_setting: str | None = None

    def __post_init__(self) -> None:
        if self.queue and self.routes:
            raise ValueError(f"{self.name}: a queue worker has no HTTP routes")
        if self.every_s is not None and (self.routes or self.every_s % 60 or self.every_s <= 0):
            raise ValueError(f"{self.name}: a scheduled worker has no routes and runs every whole minute")

    @property
    def handler(self) -> str:
        return f"functions.{self.name}.handler.handler"

    @property
    def app_module(self) -> str:
        return f"functions.{self.name}.app"


def _discover_functions() -> tuple[FunctionSpec, ...]:
    """Every function group declares itself in ``functions/<name>/spec.py`` (``SPEC``): adding a group is
    adding its folder, and the CDK app and the local runtime pick it up from here."""
    import importlib
    import pkgutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "functions"
    specs = []
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda m: m.name):
        if info.ispkg and (root / info.name / "spec.py").exists():
            spec = importlib.import_module(f"functions.{info.name}.spec").SPEC
            if spec.name != info.name:
                raise ValueError(f"functions/{info.name}/spec.py declares name {spec.name!r}")
            specs.append(spec)
    return tuple(specs)


@cache
def all_functions() -> tuple[FunctionSpec, ...]:
    """Every function group's spec, discovered once on first use: a function's cold start reads tables and
    buckets from here, never the other groups' specs."""
    return _discover_functions()


if TYPE_CHECKING:
    FUNCTIONS: tuple[FunctionSpec, ...]


def __getattr__(name: str) -> object:  # ``FUNCTIONS``: discovered when first read
    if name == "FUNCTIONS":
        return all_functions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def function(name: str) -> FunctionSpec:
    for spec in all_functions():
        if spec.name == name:
            return spec
    raise KeyError(name)


def table(key: str) -> TableSpec:
    for spec in TABLES:
        if spec.key == key:
            return spec
    raise KeyError(key)


def bucket(key: str) -> BucketSpec:
    for spec in BUCKETS:
        if spec.key == key:
            return spec
    raise KeyError(key)


def queue(key: str) -> QueueSpec:
    for spec in QUEUES:
        if spec.key == key:
            return spec
    raise KeyError(key)


def state_machine(key: str) -> StateMachineSpec:
    for spec in STATE_MACHINES:
        if spec.key == key:
            return spec
    raise KeyError(key)
