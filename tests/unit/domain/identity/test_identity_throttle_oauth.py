"""Login throttling, password re-hashing and OAuth clients on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.identity import (
    CountingTokenSecrets,
    FakeClientTokenIssuer,
    FakeTokenIssuer,
    MemoryAccountStore,
    MemoryLoginCounterStore,
    MemoryOAuthClientStore,
    PlainPasswordHasher,
)
from shared.domain.errors import InvalidRequest, NotAuthenticated, NotFound, TooManyRequests
from shared.domain.identity.accounts import Registration
from shared.domain.identity.service import Accounts, LoginThrottle, OAuthClients

PASSWORD = "P@ssw0rd!Strong"


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryAccountStore:
    return MemoryAccountStore()


@pytest.fixture
def accounts(store: MemoryAccountStore, clock: Clock) -> Accounts:
    throttle = LoginThrottle(MemoryLoginCounterStore(), clock, max_account_failures=3, max_address_failures=5,
                             window_s=600, lockout_s=300)
    accounts = Accounts(store, PlainPasswordHasher(), FakeTokenIssuer(), clock, throttle)
    accounts.register(Registration(email="ada@example.org", name="Ada", password=PASSWORD))
    return accounts


def test_the_lock_out_refuses_even_the_right_password_until_it_ends(accounts: Accounts, clock: Clock) -> None:
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            accounts.login("ada@example.org", "wrong", "10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        accounts.login("ADA@example.org", PASSWORD, "10.0.0.2")  # same account, other case, other address
    assert refused.value.retry_after_s == 300
    assert refused.value.message.startswith("too many failed logins: try again in 300 s")
    clock.t += timedelta(seconds=200)
    with pytest.raises(TooManyRequests) as refused:
        accounts.login("ada@example.org", PASSWORD)
    assert refused.value.retry_after_s == 100
    clock.t += timedelta(seconds=100)
    assert accounts.login("ada@example.org", PASSWORD).user.name == "Ada"


def test_the_address_limit_counts_unknown_accounts_too(accounts: Accounts) -> None:
    for i in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.login(f"nobody{i}@example.org", "wrong", "10.0.0.9")
    with pytest.raises(TooManyRequests):
        accounts.login("ada@example.org", PASSWORD, "10.0.0.9")
    assert accounts.login("ada@example.org", PASSWORD, "10.0.0.10").user.name == "Ada"


def test_an_old_hash_is_replaced_at_the_next_successful_login(accounts: Accounts, store: MemoryAccountStore) -> None:
    user = store.find_by_email("ada@example.org")
    assert user is not None
    store.set_password_hash(user.id, "legacy$whatever")
    with pytest.raises(NotAuthenticated):  # the fake cannot verify it: no re-hash on failure
        accounts.login("ada@example.org", PASSWORD)
    assert store.get_user(user.id).password_hash == "legacy$whatever"  # type: ignore[union-attr]


def test_a_successful_login_rehashes_when_the_hasher_says_so(store: MemoryAccountStore, clock: Clock) -> None:
    class Upgrading(PlainPasswordHasher):
        def verify(self, password: str, stored: str) -> bool:
            return stored in ("old:" + password, self.hash(password))

    accounts = Accounts(store, Upgrading(), FakeTokenIssuer(), clock)
    user = accounts.register(Registration(email="bob@example.org", name="Bob", password=PASSWORD))
    store.set_password_hash(user.id, "old:" + PASSWORD)
    accounts.login("bob@example.org", PASSWORD)
    assert store.get_user(user.id).password_hash == PlainPasswordHasher().hash(PASSWORD)  # type: ignore[union-attr]


@pytest.fixture
def oauth(clock: Clock) -> OAuthClients:
    return OAuthClients(MemoryOAuthClientStore(), CountingTokenSecrets(), FakeClientTokenIssuer(), clock)


def test_a_client_gets_its_scopes_or_a_subset(oauth: OAuthClients) -> None:
    reg = oauth.register(["contacts", "sites.view"], "ops")
    assert reg.record.secret_hash != reg.client_secret and reg.record.client_id.startswith("oauth-")
    everything = oauth.grant(reg.record.client_id, reg.client_secret)
    assert everything.scopes == ("contacts", "sites.view") and everything.expires_in_s == 3600
    narrowed = oauth.grant(reg.record.client_id, reg.client_secret, "contacts.view")
    assert narrowed.access_token == f"client:{reg.record.client_id}:contacts.view"
    with pytest.raises(InvalidRequest) as refused:
        oauth.grant(reg.record.client_id, reg.client_secret, "contacts.view tle.upload")
    assert refused.value.code == "invalid_scope" and "tle.upload" in refused.value.message


def test_wrong_secret_unknown_and_revoked_clients_are_invalid_client(oauth: OAuthClients) -> None:
    reg = oauth.register(["sites.view"])
    for client_id, secret in ((reg.record.client_id, "wrong"), ("oauth-none", reg.client_secret)):
        with pytest.raises(NotAuthenticated) as refused:
            oauth.grant(client_id, secret)
        assert refused.value.code == "invalid_client"
    oauth.revoke(reg.record.client_id)
    with pytest.raises(NotAuthenticated):
        oauth.grant(reg.record.client_id, reg.client_secret)
    with pytest.raises(NotFound):
        oauth.revoke("oauth-none")


@pytest.mark.parametrize("scopes", [[], ["station"], ["Bad Scope"]])
def test_a_client_needs_well_formed_scopes(oauth: OAuthClients, scopes: list[str]) -> None:
    with pytest.raises(InvalidRequest):
        oauth.register(scopes)


def test_api_tokens_cannot_be_issued_for_an_oauth_client_subject() -> None:
    from shared.adapters.memory.identity import MemoryApiTokenStore
    from shared.domain.identity.service import ApiTokens

    with pytest.raises(InvalidRequest, match="'oauth-' owners are OAuth clients"):
        ApiTokens(MemoryApiTokenStore(), CountingTokenSecrets()).create("oauth-abc", ["sites.view"])
