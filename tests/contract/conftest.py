"""Each port's contract suite runs against the in-memory adapter and the DynamoDB adapter (moto), so the
fakes the fast tier uses behave as the real stores do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.aws import client, reset_clients
from tests.integration.conftest import _reset_caches


@dataclass
class Stores:
    ledger: Any
    files: Any
    heartbeats: Any
    outbox: Any = None  # the event outbox the ledger writes its events into


def _memory() -> Iterator[Stores]:
    from shared.adapters.memory.files import MemoryFileStore
    from shared.adapters.memory.ledger import MemoryLedgerStore
    from shared.adapters.memory.stations import MemoryHeartbeatStore

    files = MemoryFileStore()
    ledger = MemoryLedgerStore(files)
    yield Stores(ledger, files, MemoryHeartbeatStore(), ledger.outbox)


def _dynamo() -> Iterator[Stores]:
    with mock_aws():
        _reset_caches()
        create_resources(client("dynamodb"))
        from shared.adapters.dynamo.files import DynamoFileStore
        from shared.adapters.dynamo.ledger import DynamoLedgerStore
        from shared.adapters.dynamo.outbox import DynamoEventOutbox
        from shared.adapters.dynamo.stations import DynamoHeartbeatStore

        yield Stores(DynamoLedgerStore(), DynamoFileStore(), DynamoHeartbeatStore(), DynamoEventOutbox())
    _reset_caches()


@pytest.fixture(params=["memory", "dynamodb"])
def stores(request) -> Iterator[Stores]:
    yield from (_memory() if request.param == "memory" else _dynamo())


@pytest.fixture
def dynamo_tables() -> Iterator[None]:
    """Every table, empty, in a fresh moto account."""
    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        yield
    reset_clients()


@pytest.fixture
def dynamo_tables_factory():
    """A context manager: every table, empty, in a fresh moto account, for fixtures parametrised over memory and
    DynamoDB that enter it only for their DynamoDB case."""
    from contextlib import contextmanager

    @contextmanager
    def tables() -> Iterator[None]:
        with mock_aws():
            reset_clients()
            create_resources(client("dynamodb"))
            yield
        reset_clients()

    return tables


@contextmanager
def catalog_store(kind: str, cache_ttl_s: float = 60) -> Iterator[Any]:
    """The catalogue store a contract test runs on: ``memory`` (the in-memory fake) or a DynamoDB repository on
    moto's tables with ``cache_ttl_s`` of read cache (0: every read reaches the table)."""
    from shared.adapters.memory.catalog import InMemoryCatalogStore

    if kind == "memory":
        yield InMemoryCatalogStore()
        return
    from shared.adapters.dynamo.catalog import DynamoCatalogRepository

    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        yield DynamoCatalogRepository(cache_ttl_s=cache_ttl_s)
    reset_clients()
