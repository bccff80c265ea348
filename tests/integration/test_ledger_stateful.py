"""The ledger's stateful model (tests/support/ledger_machine.py) on the DynamoDB store under moto: a few
examples here — the in-memory store runs many in the fast tier, and the contract tests keep the two alike."""

from moto import mock_aws

from infra.local.emulation import create_resources
from shared.adapters.dynamo.ledger import ledger_store
from shared.aws import client
from tests.integration.conftest import _reset_caches
from tests.support.ledger_machine import machine_test


def _dynamo_store():
    mock = mock_aws()
    mock.start()
    _reset_caches()
    create_resources(client("dynamodb"))

    def close() -> None:
        mock.stop()
        _reset_caches()

    return ledger_store(), close


TestLedgerOnDynamoDB = machine_test(_dynamo_store, max_examples=8)
