"""The webhook store's contract, on memory and DynamoDB (moto): by id and by owner, removal, the failure count
that disables at N once (with the reason and time), a success that resets and re-enables, delivered markers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.webhooks.models import Webhook

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request, dynamo_tables_factory) -> Iterator[object]:
    if request.param == "memory":
        from shared.adapters.memory.webhooks import MemoryWebhookStore

        yield MemoryWebhookStore()
    else:
        with dynamo_tables_factory():
            from shared.adapters.dynamo.webhooks import DynamoWebhookStore

            yield DynamoWebhookStore()


def hook(webhook_id: str, owner: str, minutes: int = 0) -> Webhook:
    return Webhook(id=webhook_id, owner=owner, url="https://hooks.example.org/in",
                   event_types=("File State Change", "Job State Change"), description="ops",
                   secret_ciphertext="v1:abc", created_at=T0 + timedelta(minutes=minutes))


def test_create_get_and_list_by_owner_oldest_first(store) -> None:
    store.create(hook("wh_b", "alice", 2))
    store.create(hook("wh_a", "alice", 1))
    store.create(hook("wh_c", "bob"))
    assert store.get("wh_a") == hook("wh_a", "alice", 1)
    assert [w.id for w in store.list("alice")] == ["wh_a", "wh_b"]
    assert [w.id for w in store.list("bob")] == ["wh_c"]
    assert store.list("carol") == []
    assert {w.id for w in store.list()} == {"wh_a", "wh_b", "wh_c"}
    assert store.get("wh_missing") is None


def test_delete_once(store) -> None:
    store.create(hook("wh_a", "alice"))
    assert store.delete("wh_a") is True
    assert store.delete("wh_a") is False
    assert store.get("wh_a") is None and store.list("alice") == []


def test_failures_count_and_disable_at_n_with_reason_and_time(store) -> None:
    store.create(hook("wh_a", "alice"))
    first = store.record_failure("wh_a", "attempt 1: HTTP 503", T0, 3)
    assert (first.consecutive_failures, first.enabled, first.last_failure_reason) == (1, True, "attempt 1: HTTP 503")
    store.record_failure("wh_a", "attempt 2: HTTP 503", T0, 3)
    third = store.record_failure("wh_a", "attempt 3: refused", T0 + timedelta(seconds=5), 3)
    assert third.enabled is False and third.consecutive_failures == 3
    assert third.disabled_at == T0 + timedelta(seconds=5)
    assert third.disabled_reason == ("disabled after 3 consecutive failed delivery attempts; "
                                     "the last: attempt 3: refused")
    # a late failure of a delivery already in flight keeps the first reason
    fourth = store.record_failure("wh_a", "attempt 4: refused", T0 + timedelta(seconds=9), 3)
    assert fourth.disabled_reason == third.disabled_reason and fourth.disabled_at == third.disabled_at
    assert store.get("wh_a") == fourth
    assert store.record_failure("wh_missing", "x", T0, 3) is None


def test_success_resets_the_count_and_re_enables(store) -> None:
    store.create(hook("wh_a", "alice"))
    store.record_failure("wh_a", "refused", T0, 1)
    store.record_success("wh_a", T0 + timedelta(minutes=1))
    after = store.get("wh_a")
    assert (after.enabled, after.consecutive_failures) == (True, 0)
    assert (after.disabled_reason, after.disabled_at) == (None, None)
    assert after.last_delivered_at == T0 + timedelta(minutes=1)
    store.record_success("wh_missing", T0)  # removed meanwhile: nothing to record, no error
    # re-enabled by its owner (no delivery): the last delivery stays what it was
    store.record_failure("wh_a", "refused", T0 + timedelta(minutes=2), 1)
    store.record_success("wh_a", None)
    again = store.get("wh_a")
    assert again.enabled and again.last_delivered_at == T0 + timedelta(minutes=1)


def test_delivered_markers_per_webhook_and_event(store) -> None:
    store.create(hook("wh_a", "alice"))
    store.create(hook("wh_b", "alice"))
    assert store.was_delivered("wh_a", "e1") is False
    store.mark_delivered("wh_a", "e1", T0)
    store.mark_delivered("wh_a", "e1", T0)  # again: no error
    assert store.was_delivered("wh_a", "e1") is True
    assert store.was_delivered("wh_b", "e1") is False and store.was_delivered("wh_a", "e2") is False
    assert [w.id for w in store.list("alice")] == ["wh_a", "wh_b"]  # markers are not webhooks
