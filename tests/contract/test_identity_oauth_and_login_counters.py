"""``OAuthClientStore`` and ``LoginCounterStore`` contracts: in-memory fakes and DynamoDB adapters behave
alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.memory.identity import MemoryLoginCounterStore, MemoryOAuthClientStore
from shared.domain.errors import Conflict
from shared.domain.identity.oauth import OAuthClientRecord
from shared.domain.identity.ports import LoginCounterStore, OAuthClientStore

T0 = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def clients(request: pytest.FixtureRequest) -> Iterator[OAuthClientStore]:
    if request.param == "memory":
        yield MemoryOAuthClientStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.identity import DynamoOAuthClientStore

    yield DynamoOAuthClientStore()


@pytest.fixture(params=["memory", "dynamo"])
def counters(request: pytest.FixtureRequest) -> Iterator[LoginCounterStore]:
    if request.param == "memory":
        yield MemoryLoginCounterStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.identity import DynamoLoginCounterStore

    yield DynamoLoginCounterStore()


def oauth_client(n: int, **kw: Any) -> OAuthClientRecord:
    return OAuthClientRecord(client_id=f"oauth-{n:020x}", secret_hash=f"{n:064x}", name=f"c{n}",
                             scopes=["sites.view"], created_at=T0 + timedelta(minutes=n), **kw)


def test_a_client_is_stored_once_and_found_by_id(clients: OAuthClientStore) -> None:
    clients.put_oauth_client(oauth_client(1))
    assert clients.get_oauth_client(oauth_client(1).client_id) == oauth_client(1)
    assert clients.get_oauth_client("oauth-none") is None
    with pytest.raises(Conflict):
        clients.put_oauth_client(oauth_client(1))


def test_listing_is_oldest_first(clients: OAuthClientStore) -> None:
    for n in (3, 1, 2):
        clients.put_oauth_client(oauth_client(n))
    assert [c.client_id for c in clients.list_oauth_clients()] == [oauth_client(n).client_id for n in (1, 2, 3)]


def test_revocation_is_idempotent_and_keeps_the_first_time(clients: OAuthClientStore) -> None:
    clients.put_oauth_client(oauth_client(1))
    first = clients.revoke_oauth_client(oauth_client(1).client_id)
    assert first is not None and first.revoked and first.revoked_at is not None
    again = clients.revoke_oauth_client(oauth_client(1).client_id)
    assert again is not None and again.revoked_at == first.revoked_at
    stored = clients.get_oauth_client(oauth_client(1).client_id)
    assert stored is not None and stored.revoked and stored.revoked_at == first.revoked_at
    assert clients.revoke_oauth_client("oauth-none") is None


def test_failures_count_within_a_window_then_start_over(counters: LoginCounterStore) -> None:
    assert counters.get_counter("account:a", T0) is None
    assert counters.add_failure("account:a", T0, 60).count == 1
    second = counters.add_failure("account:a", T0 + timedelta(seconds=10), 60)
    assert (second.count, second.expires_at, second.locked_until) == (2, T0 + timedelta(seconds=60), None)
    got = counters.get_counter("account:a", T0 + timedelta(seconds=59))
    assert got is not None and got.count == 2
    # expired (whether or not TTL deleted it yet): absent, and the next failure starts a new window
    assert counters.get_counter("account:a", T0 + timedelta(seconds=60)) is None
    fresh = counters.add_failure("account:a", T0 + timedelta(seconds=61), 60)
    assert (fresh.count, fresh.expires_at) == (1, T0 + timedelta(seconds=121))
    assert counters.get_counter("address:1.2.3.4", T0) is None


def test_a_lock_holds_until_its_end_and_clear_forgets(counters: LoginCounterStore) -> None:
    counters.add_failure("account:a", T0, 60)
    counters.lock("account:a", T0 + timedelta(seconds=900))
    locked = counters.get_counter("account:a", T0 + timedelta(seconds=600))
    assert locked is not None and locked.locked_until == T0 + timedelta(seconds=900)
    assert locked.expires_at == T0 + timedelta(seconds=900)
    assert counters.get_counter("account:a", T0 + timedelta(seconds=900)) is None
    counters.clear("account:a")
    assert counters.get_counter("account:a", T0) is None
    counters.clear("account:never")  # clearing an absent counter is fine
