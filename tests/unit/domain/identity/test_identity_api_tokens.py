"""API-token use cases on in-memory fakes: create (hashed), list, revoke, authenticate."""

from __future__ import annotations

import hashlib

import pytest

from shared.adapters.memory.identity import CountingTokenSecrets, MemoryApiTokenStore
from shared.domain.errors import InvalidRequest, NotAuthenticated, NotFound, NotPermitted
from shared.domain.identity import Principal
from shared.domain.identity.service import ApiTokens, require_admin


@pytest.fixture
def store() -> MemoryApiTokenStore:
    return MemoryApiTokenStore()


@pytest.fixture
def tokens(store: MemoryApiTokenStore) -> ApiTokens:
    return ApiTokens(store, CountingTokenSecrets())


def test_create_stores_only_the_digest_and_returns_the_plaintext_once(tokens: ApiTokens,
                                                                     store: MemoryApiTokenStore) -> None:
    issued = tokens.create("client_1", ["passes:read", "bookings", "passes:read"], "ci")
    assert issued.token == "dsn_live_test1"
    record = issued.record
    assert record.token_hash == hashlib.sha256(b"dsn_live_test1").hexdigest()
    assert (record.owner, record.scopes, record.name, record.revoked) == ("client_1", ["passes:read", "bookings"],
                                                                          "ci", False)
    assert issued.token not in record.model_dump_json()
    assert store.list_api_tokens() == [record]


@pytest.mark.parametrize(("owner", "scopes", "field"), [
    (" spaced ", ["passes:read"], "field 'owner'"),
    ("user-7", ["passes:read"], "SSA accounts"),  # could impersonate an SSA user
    ("a/b", ["passes:read"], "field 'owner'"),
    ("client_1", ["Passes:READ"], "field 'scopes'"),
    ("client_1", [], "field 'scopes'"),
    ("station-gs1", ["passes:read"], "exactly the scope 'station'"),
    ("client_1", ["station"], "only for 'station-<gs_id>' owners"),
])
def test_create_refuses_owners_and_scopes_the_rules_forbid(tokens: ApiTokens, store: MemoryApiTokenStore,
                                                          owner: str, scopes: list[str], field: str) -> None:
    with pytest.raises(InvalidRequest, match=field):
        tokens.create(owner, scopes)
    assert store.list_api_tokens() == []


def test_a_station_gets_exactly_the_station_scope(tokens: ApiTokens) -> None:
    assert tokens.create("station-gs1", ["station"]).record.scopes == ["station"]


def test_authenticate_until_revoked(tokens: ApiTokens) -> None:
    issued = tokens.create("client_1", ["passes:read"])
    principal = tokens.authenticate(issued.token)
    assert principal == Principal(subject="client_1", scopes=("passes:read",), kind="api_token",
                                  token_id=issued.record.token_id)
    assert tokens.revoke(issued.record.token_id).revoked
    assert tokens.revoke(issued.record.token_id).revoked  # idempotent
    with pytest.raises(NotAuthenticated, match="unknown or revoked"):
        tokens.authenticate(issued.token)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate("dsn_live_never_issued")


def test_revoking_an_unknown_token_is_not_found(tokens: ApiTokens) -> None:
    with pytest.raises(NotFound, match="API token nope not found"):
        tokens.revoke("nope")


def test_list_filters_by_owner(tokens: ApiTokens) -> None:
    a = tokens.create("client_1", ["passes:read"]).record
    tokens.create("client_2", ["passes:read"])
    assert tokens.list_tokens("client_1") == [a] and len(tokens.list_tokens()) == 2


def test_administration_needs_admin_or_service(tokens: ApiTokens) -> None:
    assert require_admin(Principal("ops", ("admin",))).subject == "ops"
    assert require_admin(Principal("pipeline", kind="service")).subject == "pipeline"
    with pytest.raises(NotPermitted, match="'admin'"):
        require_admin(Principal("client_1", ("passes:read",), kind="api_token"))
