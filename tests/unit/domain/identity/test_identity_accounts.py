"""Account use cases on in-memory fakes: register, log in, refresh, who am I."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.memory.identity import FakeTokenIssuer, MemoryAccountStore, PlainPasswordHasher
from shared.domain.errors import Conflict, NotAuthenticated, NotFound
from shared.domain.identity import Principal
from shared.domain.identity.accounts import Registration
from shared.domain.identity.service import INVALID_CREDENTIALS, Accounts

PASSWORD = "P@ssw0rd!Strong"


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 1, 15, 12, 0, 0, 654321, tzinfo=UTC)


@pytest.fixture
def store() -> MemoryAccountStore:
    return MemoryAccountStore()


@pytest.fixture
def hasher() -> PlainPasswordHasher:
    return PlainPasswordHasher()


@pytest.fixture
def issuer() -> FakeTokenIssuer:
    return FakeTokenIssuer()


@pytest.fixture
def accounts(store: MemoryAccountStore, hasher: PlainPasswordHasher, issuer: FakeTokenIssuer) -> Accounts:
    return Accounts(store, hasher, issuer, FixedClock())


def register(accounts: Accounts, email: str = "ada@example.org", name: str = "Ada") -> int:
    return accounts.register(Registration(email=email, name=name, password=PASSWORD)).id


def test_register_stores_a_hash_and_the_join_time_to_the_second(accounts: Accounts, store: MemoryAccountStore) -> None:
    user = accounts.register(Registration(email=" ada@example.org ", name="Ada", password=PASSWORD))
    assert (user.email, user.name, user.is_active, user.is_admin) == ("ada@example.org", "Ada", True, False)
    assert user.date_joined == datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
    assert PASSWORD not in user.password_hash and store.get_user(user.id) == user


def test_register_refuses_a_taken_email_or_name(accounts: Accounts) -> None:
    register(accounts)
    with pytest.raises(Conflict):
        register(accounts, "ADA@example.org", "Other")
    with pytest.raises(Conflict):
        register(accounts, "other@example.org", "ada")


def test_login_issues_access_and_refresh_tokens(accounts: Accounts) -> None:
    user_id = register(accounts)
    session = accounts.login("Ada@Example.org", PASSWORD)
    assert session.user.id == user_id and session.expires_in_s == 3600
    assert session.access_token == f"access:user-{user_id}:ssa"
    assert session.refresh_token == f"refresh:user-{user_id}"


def test_unknown_email_wrong_password_and_inactive_account_answer_alike(
    accounts: Accounts, store: MemoryAccountStore, hasher: PlainPasswordHasher
) -> None:
    user_id = register(accounts)
    answers = []
    for email, password in (("nobody@example.org", PASSWORD), ("ada@example.org", "Wrong!pass1")):
        with pytest.raises(NotAuthenticated) as err:
            accounts.login(email, password)
        answers.append(err.value.message)
    assert hasher.burned == 1  # the unknown email costs a verification too
    store.set_active(user_id, False)
    with pytest.raises(NotAuthenticated) as err:
        accounts.login("ada@example.org", PASSWORD)
    answers.append(err.value.message)
    assert answers == [INVALID_CREDENTIALS] * 3


def test_refresh_takes_scopes_from_the_current_record(accounts: Accounts, store: MemoryAccountStore) -> None:
    user_id = register(accounts)
    refresh = accounts.login("ada@example.org", PASSWORD).refresh_token
    user = store.get_user(user_id)
    assert user is not None
    store._users[user_id] = user.model_copy(update={"is_admin": True})  # promoted meanwhile
    grant = accounts.refresh(refresh)
    assert grant.access_token == f"access:user-{user_id}:ssa admin" and grant.expires_in_s == 3600


@pytest.mark.parametrize("token", ["access:user-1:ssa", "refresh:client_1", "refresh:user-abc", "refresh:user-99"])
def test_refresh_refuses_other_tokens_and_subjects(accounts: Accounts, token: str) -> None:
    register(accounts)
    with pytest.raises(NotAuthenticated):
        accounts.refresh(token)


def test_refresh_of_a_deactivated_user_is_refused(accounts: Accounts, store: MemoryAccountStore) -> None:
    user_id = register(accounts)
    refresh = accounts.login("ada@example.org", PASSWORD).refresh_token
    store.set_active(user_id, False)
    with pytest.raises(NotAuthenticated, match="inactive"):
        accounts.refresh(refresh)


def test_me_is_the_callers_own_account(accounts: Accounts) -> None:
    user_id = register(accounts)
    assert accounts.me(Principal(subject=f"user-{user_id}")).id == user_id
    assert accounts.user_of("client_1") is None
    with pytest.raises(NotFound):
        accounts.me(Principal(subject="client_1", kind="api_token"))
