"""Embedded AWS for the local runtime and the tests: a moto server plus the resources from
``shared.resources`` (the same specs the CDK app synthesizes)."""

from __future__ import annotations

import os
import socket
from typing import Any

from shared.resources import (
    BUCKETS,
    EVENT_BUS,
    FUNCTIONS,
    QUEUES,
    STATE_MACHINES,
    TABLES,
    BucketSpec,
    EventBusSpec,
    FunctionSpec,
    QueueSpec,
    StateMachineSpec,
    TableSpec,
)

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_table_kwargs(spec: TableSpec, name: str) -> dict[str, Any]:
    key_schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
    if spec.sort_key:
        key_schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
    kwargs: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in spec.attribute_names()],
    }
    if spec.indexes:
        kwargs["GlobalSecondaryIndexes"] = [
            {
                "IndexName": ix.name,
                "KeySchema": [{"AttributeName": ix.partition_key, "KeyType": "HASH"}]
                + ([{"AttributeName": ix.sort_key, "KeyType": "RANGE"}] if ix.sort_key else []),
                "Projection": {"ProjectionType": "ALL"},
            }
            for ix in spec.indexes
        ]
    return kwargs


def table_env(prefix: str = "groundlink") -> dict[str, str]:
    return {spec.env_var: f"{prefix}-{spec.key}" for spec in TABLES}


def bucket_env(prefix: str = "groundlink") -> dict[str, str]:
    return {spec.env_var: f"{prefix}-{spec.key}" for spec in BUCKETS}


def create_storage(s3: Any, sqs: Any, prefix: str = "groundlink", *, buckets: tuple[BucketSpec, ...] = BUCKETS,
                   queues: tuple[QueueSpec, ...] = QUEUES) -> dict[str, str]:
    """Create the buckets (versioned, public access blocked, SSE-S3), each queue with its dead-letter queue and
    redrive policy, and the buckets' ObjectCreated notifications to their queues - what StorageConstruct
    deploys. Returns queue key → queue URL."""
    import json

    for spec in buckets:
        name = f"{prefix}-{spec.key}"
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    for spec in queues:
        dlq_url = sqs.create_queue(QueueName=f"{prefix}-{spec.key}-dlq",
                                   Attributes={"MessageRetentionPeriod": str(14 * 86400)})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[spec.key] = sqs.create_queue(QueueName=f"{prefix}-{spec.key}", Attributes={
            "VisibilityTimeout": str(spec.visibility_timeout_s),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}),
        })["QueueUrl"]
        arns[spec.key] = sqs.get_queue_attributes(QueueUrl=urls[spec.key],
                                                  AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for spec in buckets:
        targets = [q for q in queues if spec.key in q.sources]
        if targets:
            s3.put_bucket_notification_configuration(Bucket=f"{prefix}-{spec.key}", NotificationConfiguration={
                "QueueConfigurations": [{"Id": f"{q.key}", "QueueArn": arns[q.key], "Events": ["s3:ObjectCreated:*"]}
                                        for q in targets]})
    return urls


def queue_env(queue_urls: dict[str, str], queues: tuple[QueueSpec, ...] = QUEUES) -> dict[str, str]:
    """The queue URL variables (``QueueSpec.env_var``) of the functions that send to a queue."""
    return {spec.env_var: queue_urls[spec.key] for spec in queues if spec.key in queue_urls}


def create_event_bus(events: Any, sqs: Any, queue_urls: dict[str, str], spec: EventBusSpec = EVENT_BUS,
                     prefix: str = "groundlink") -> dict[str, str]:
    """What EventsConstruct deploys: the bus and its rule sending every groundlink event to the fan-out queue
    (moto delivers EventBridge → SQS targets, so the local path is the one AWS takes). Returns the bus
    variable (``EventBusSpec.env_var`` → bus name)."""
    import json

    name = f"{prefix}-{spec.key}"
    events.create_event_bus(Name=name)
    events.put_rule(Name=f"{name}-all", EventBusName=name, State="ENABLED",
                    EventPattern=json.dumps({"source": list(spec.sources)}))
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_urls[spec.queue],
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_targets(Rule=f"{name}-all", EventBusName=name, Targets=[{"Id": spec.queue, "Arn": queue_arn}])
    return {spec.env_var: name}


def create_resources(dynamodb: Any, prefix: str = "groundlink") -> None:
    """Create every table (keys, indexes, TTL, PITR) from the shared specs."""
    for spec in TABLES:
        name = f"{prefix}-{spec.key}"
        dynamodb.create_table(**create_table_kwargs(spec, name))
        if spec.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
            )
        dynamodb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )


def _dummy_zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # never run: invocations are bridged to the Python handler
        zf.writestr("handler.py", "def handler(event, context):\n    raise RuntimeError('not bridged')\n")
    return buf.getvalue()


def create_state_machines(lambda_: Any, iam: Any, sfn: Any, prefix: str = "groundlink", *,
                          state_machines: tuple[StateMachineSpec, ...] = STATE_MACHINES,
                          functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> dict[str, str]:
    """What JobsConstruct deploys: one Lambda function per worker a state machine names (a placeholder zip:
    ``infra.local.lambda_bridge`` runs the Python handler), one STANDARD state machine per spec with the
    spec's definition and the worker's ARN (its Maps at ``local_map_concurrency``). Returns state machine key → ARN."""
    import json

    if not state_machines:
        return {}
    by_name = {spec.name: spec for spec in functions}
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": ["lambda.amazonaws.com",
                                                                               "states.amazonaws.com"]}}]}
    role_arn = iam.create_role(RoleName=f"{prefix}-local-execution",
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    worker_arns: dict[str, str] = {}
    arns: dict[str, str] = {}
    for spec in state_machines:
        worker = by_name[spec.worker]  # KeyError names the unknown worker
        if worker.name not in worker_arns:
            worker_arns[worker.name] = lambda_.create_function(
                FunctionName=worker.name, Runtime="python3.12", Role=role_arn, Handler=worker.handler,
                Code={"ZipFile": _dummy_zip()}, Timeout=worker.timeout_s, MemorySize=worker.memory_mb,
                Description=worker.description[:256])["FunctionArn"]
        arns[spec.key] = sfn.create_state_machine(
            name=f"{prefix}-{spec.key}",
            definition=spec.definition_for(worker_arns[worker.name], map_concurrency=spec.local_map_concurrency),
            roleArn=role_arn, type="STANDARD")["stateMachineArn"]
    return arns


def state_machine_env(arns: dict[str, str], state_machines: tuple[StateMachineSpec, ...] = STATE_MACHINES,
                      functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> dict[str, str]:
    """The ARN variables of the state machines some function starts (one process serves every function)."""
    started = {key for spec in functions for key in spec.starts}
    return {spec.env_var: arns[spec.key] for spec in state_machines if spec.key in started}


def state_machine_workers(state_machines: tuple[StateMachineSpec, ...] = STATE_MACHINES,
                          functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> list[FunctionSpec]:
    names = {spec.worker for spec in state_machines}
    return [spec for spec in functions if spec.name in names]


class _ModuleList:
    """moto's ``list_of_moto_modules()`` read once: moto's dispatcher calls it for every request it routes, and each
    call lists moto's package folder and stats every entry (a tenth of the CPU a local job used)."""

    def __init__(self, modules) -> None:  # noqa: ANN001
        self.modules = tuple(modules)

    def __call__(self) -> tuple[str, ...]:
        return self.modules


def _atomic_moto_server():
    """moto applies a request in several steps without a lock, so two concurrent TransactWriteItems can
    both pass their conditions. DynamoDB applies each request atomically; serialising DynamoDB requests restores
    that guarantee in the emulation (the ledger's correctness tests depend on it). Other services are not
    serialised: the event pump's SQS long polls would otherwise stall every DynamoDB call while they wait."""
    import threading

    from moto import backends
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class AtomicMotoServer(ThreadedMotoServer):
        def start(self) -> None:
            """Bind in the caller's thread, so a port already in use raises ``OSError`` here (instead of
            ending the server thread and leaving ``start`` waiting for ever, or werkzeug's ``sys.exit``)."""
            if not isinstance(backends.list_of_moto_modules, _ModuleList):
                backends.list_of_moto_modules = _ModuleList(backends.list_of_moto_modules())
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def atomic(environ, start_response):
                if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
                    return app(environ, start_response)  # an SQS long poll must not hold up DynamoDB
                with lock:
                    return list(app(environ, start_response))

            from infra.local import trace

            served = trace.traced_wsgi(app, lock) if trace.enabled() else atomic

            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                listener.bind((self._ip_address, self._port))  # OSError (EADDRINUSE) when the port is taken
                listener.listen(128)
                self._server = make_server(self._ip_address, self._port, served, True,
                                           request_handler=MotoRequestHandler, fd=listener.fileno())
            finally:
                listener.close()  # the server holds its own duplicate of the socket
            self._thread = threading.Thread(target=self._server.serve_forever, name="embedded-aws", daemon=True)
            self._thread.start()
            self._server_ready_event.set()

    return AtomicMotoServer


class EmbeddedAws:
    """A moto server in this process, on its own port, applying each request atomically."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedAws:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        for key, val in FAKE_CREDENTIALS.items():
            os.environ.setdefault(key, val)
        self.server = _atomic_moto_server()(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        return self

    def run_state_machines(self) -> EmbeddedAws:
        """Make this server execute state machines, their Lambda Tasks bridged to the workers' handlers.

        moto's Step Functions parser calls Lambda through a boto client at ``http://localhost:$MOTO_PORT``:
        MOTO_PORT is this server's port. The Lambda invoke request runs the handler while it is in flight, so
        the handler's own DynamoDB requests must not wait for it: only DynamoDB requests are serialised."""
        import json
        import urllib.request

        from infra.local.lambda_bridge import MOTO_CONFIG, bridge

        os.environ["MOTO_PORT"] = str(self.port)
        req = urllib.request.Request(f"{self.endpoint}/moto-api/config", data=json.dumps(MOTO_CONFIG).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
        bridge(state_machine_workers())
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
