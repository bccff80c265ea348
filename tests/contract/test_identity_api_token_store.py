"""``ApiTokenStore`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.identity import MemoryApiTokenStore
from shared.domain.identity.ports import ApiTokenStore
from shared.domain.identity.tokens import ApiTokenRecord

T0 = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[ApiTokenStore]:
    if request.param == "memory":
        yield MemoryApiTokenStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.identity import DynamoIdentityRepository

    yield DynamoIdentityRepository()


def record(n: int, owner: str = "client_1", scopes: tuple[str, ...] = ("passes:read",)) -> ApiTokenRecord:
    return ApiTokenRecord(token_id=f"tok{n}", token_hash=f"{n:064x}", owner=owner, name=f"t{n}",
                          scopes=list(scopes), created_at=T0 + timedelta(minutes=n))


def test_a_token_is_found_by_its_hash_only(store: ApiTokenStore) -> None:
    store.put_api_token(record(1))
    found = store.find_api_token(f"{1:064x}")
    assert found == record(1)
    assert store.find_api_token(f"{2:064x}") is None


def test_listing_is_oldest_first_and_filters_by_owner(store: ApiTokenStore) -> None:
    for n, owner in ((3, "client_1"), (1, "client_2"), (2, "client_1")):
        store.put_api_token(record(n, owner))
    assert [r.token_id for r in store.list_api_tokens()] == ["tok1", "tok2", "tok3"]
    assert [r.token_id for r in store.list_api_tokens("client_1")] == ["tok2", "tok3"]
    assert store.list_api_tokens("nobody") == []


def test_revocation_is_idempotent_and_keeps_the_first_time(store: ApiTokenStore) -> None:
    store.put_api_token(record(1))
    revoked = store.revoke_api_token("tok1")
    assert revoked is not None and revoked.revoked and revoked.token_id == "tok1"
    first = store.find_api_token(f"{1:064x}")
    assert first is not None and first.revoked and first.revoked_at is not None
    again = store.revoke_api_token("tok1")
    assert again is not None and again.revoked
    second = store.find_api_token(f"{1:064x}")
    assert second is not None and second.revoked_at == first.revoked_at
    [listed] = store.list_api_tokens("client_1")
    assert listed.revoked and listed.revoked_at == first.revoked_at


def test_revoking_an_unknown_token_finds_nothing(store: ApiTokenStore) -> None:
    assert store.revoke_api_token("nope") is None
