"""Retry-safe ledger writes on DynamoDB (moto): the ClientRequestToken of a transaction, and a write whose
answer was lost, read back as the success it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.adapters.dynamo.ledger import DynamoLedgerStore
from shared.aws import client
from shared.domain.errors import Unavailable
from shared.domain.ledger.models import Booking, Slot
from tests.integration.conftest import _reset_caches
from tests.support.faults import FaultInjector

T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)
TX = frozenset({"TransactWriteItems"})


@pytest.fixture
def store(monkeypatch) -> Iterator[DynamoLedgerStore]:
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.01)
    with mock_aws():
        _reset_caches()
        create_resources(client("dynamodb"))
        yield DynamoLedgerStore()
    _reset_caches()


def _booking(store: DynamoLedgerStore, gs: str = "1", minutes: int = 0) -> Booking:
    [bid] = store.next_ids("booking")
    [sid] = store.next_ids("slot")
    start = T0 + timedelta(minutes=minutes)
    return Booking(id=bid, owner="alice", owner_type="user", norad_id=25544, type="data", requested_at=T0,
                   updated_at=T0, slots=[Slot(id=sid, gs_id=gs, start=start, end=start + timedelta(minutes=10))])


def _cancel(b: Booking) -> Booking | None:
    if b.status == "Cancelled":
        return None
    return b.model_copy(update={"status": "Cancelled", "updated_at": b.updated_at + timedelta(seconds=1),
                                "slots": [s.model_copy(update={"status": "Cancelled"}) for s in b.slots]})


def _tokens() -> list[str]:
    """Records the ClientRequestToken of every TransactWriteItems request sent (each SDK attempt)."""
    sent: list[str] = []

    def spy(request: Any, **kwargs: Any) -> None:
        sent.append(json.loads(request.body).get("ClientRequestToken"))

    client("dynamodb").meta.events.register("before-send.dynamodb.TransactWriteItems", spy)
    return sent


def test_a_reservation_whose_answer_was_lost_succeeds_once_with_one_token(store):
    # Given the first TransactWriteItems commits but its answer is lost (the SDK retries it)
    faults = FaultInjector("lost", 1.0, operations=TX, limit=1).install(client("dynamodb"))
    sent = _tokens()
    b = _booking(store)
    # When the booking is reserved, the call succeeds (no "booking already exists" for our own write)
    store.reserve(b)
    faults.uninstall()
    # Then it is stored once, and the SDK's retry carried the same token (DynamoDB answers it idempotently)
    assert store.get(b.id) == b
    assert len(store.reservations("1", T0, T0 + timedelta(hours=1))) == 1
    assert len(sent) == 2 and sent[0] == sent[1] and sent[0] and len(sent[0]) <= 36


def test_tokens_differ_between_different_writes(store):
    sent = _tokens()
    a, b = _booking(store, "1"), _booking(store, "2")
    store.reserve(a)
    store.reserve(b)
    store.update(a.id, _cancel)
    assert len(set(sent)) == 3


def test_a_write_whose_outcome_stays_unknown_is_read_back(store):
    # Given every answer to every TransactWriteItems attempt is lost: the SDK gives up with a read timeout
    faults = FaultInjector("lost", 1.0, operations=TX).install(client("dynamodb"))
    b = _booking(store)
    # When reserving and cancelling, the stored record shows the write happened: both succeed
    store.reserve(b)
    assert store.update(b.id, _cancel).status == "Cancelled"
    faults.uninstall()
    assert store.get(b.id).status == "Cancelled"
    assert store.reservations("1", T0, T0 + timedelta(hours=1)) == []


def test_throttling_beyond_the_sdk_retries_is_a_clean_retryable_error(store):
    # Given every TransactWriteItems is throttled (it never runs)
    faults = FaultInjector("throttle", 1.0, operations=TX).install(client("dynamodb"))
    b = _booking(store)
    # When reserving: Unavailable with a retry-after hint, nothing stored
    with pytest.raises(Unavailable) as err:
        store.reserve(b)
    faults.uninstall()
    assert err.value.retry_after_s == 2 and "retry" in err.value.message
    assert "Throughput" not in err.value.message  # a sentence, not SDK internals
    assert store.get(b.id) is None and store.reservations("1", T0, T0 + timedelta(hours=1)) == []
    assert faults.injected["TransactWriteItems"] == 3  # the SDK's 3 attempts of an HTTP function
