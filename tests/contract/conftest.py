"""Contract tests: one suite per port, run against the in-memory fake and the DynamoDB adapter (moto,
tables from the shared specs), so the fakes the domain tests use behave like the real stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.aws import client, reset_clients


@pytest.fixture
def dynamo_tables() -> Iterator[None]:
    """Every table, empty, in a fresh moto account."""
    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        yield
    reset_clients()
