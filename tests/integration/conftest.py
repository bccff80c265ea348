"""Integration fixtures: DynamoDB emulated by moto, tables created from the shared specs, demo data
seeded through the import code path, and helpers to call the FastAPI apps with real tokens."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources, create_storage
from shared.adapters.dynamo.catalog import catalog_repository
from shared.auth import issue_jwt
from shared.aws import client, reset_clients
from shared.catalog.demo import DEMO_TLE_ENV, seed_demo
from shared.resources import RESULTS

# The demo element sets are months old: the tests that book on them run with the local runtime's relaxed limit
# (tests/integration/test_tle_freshness.py applies the strict one).
os.environ.update(DEMO_TLE_ENV)


def _create_results_bucket() -> None:
    """The jobs' results bucket (pass analyses store their inputs, parts and results there)."""
    create_storage(client("s3"), client("sqs"), buckets=(RESULTS,), queues=())


def _reset_caches() -> None:
    reset_clients()
    catalog_repository.cache_clear()
    from shared.adapters.dynamo.identity import identity_repository
    from shared.adapters.dynamo.stations import station_registry
    from shared.auth import ACCOUNT_CHECK, signing_key

    identity_repository.cache_clear()
    station_registry.cache_clear()
    signing_key.cache_clear()
    ACCOUNT_CHECK.reset()


@pytest.fixture
def aws() -> Iterator[None]:
    """Empty tables (and the results bucket) in a fresh moto account."""
    with mock_aws():
        _reset_caches()
        create_resources(client("dynamodb"))
        _create_results_bucket()
        yield
    _reset_caches()


@pytest.fixture(scope="module")
def demo() -> Iterator[list]:
    """The demo catalogue, imported the way an operator would import it (shared by a module's
    read-only tests)."""
    with mock_aws():
        _reset_caches()
        create_resources(client("dynamodb"))
        _create_results_bucket()
        yield seed_demo(catalog_repository())
    _reset_caches()


def bearer(subject: str = "demo", scopes: str = "", **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(subject, scopes.split(), **kwargs)}"}
