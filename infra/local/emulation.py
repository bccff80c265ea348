"""Embedded AWS for the local runtime and the tests: a moto server plus the resources from
``shared.resources`` (the same specs the CDK app synthesizes)."""

from __future__ import annotations

import os
import socket
from typing import Any

from shared.resources import TABLES, TableSpec

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


def _atomic_moto_server():
    """moto applies a request in several steps without a lock, so two concurrent TransactWriteItems can
    both pass their conditions. DynamoDB applies each request atomically; serialising requests restores
    that guarantee in the emulation (the ledger's correctness tests depend on it)."""
    import threading

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class AtomicMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def atomic(environ, start_response):
                with lock:
                    return list(app(environ, start_response))

            self._server = make_server(self._ip_address, self._port, atomic, True,
                                       request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

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

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
