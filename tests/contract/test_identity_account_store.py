"""``AccountStore`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from shared.adapters.memory.identity import MemoryAccountStore
from shared.domain.errors import Conflict
from shared.domain.identity.accounts import User
from shared.domain.identity.ports import AccountStore


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[AccountStore]:
    if request.param == "memory":
        yield MemoryAccountStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.users import DynamoUserRepository

    yield DynamoUserRepository()


def new_user(email: str = "ada@example.org", name: str = "Ada") -> User:
    return User(id=0, email=email, name=name, password_hash="x$y",
                date_joined=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))


def test_created_users_get_fresh_increasing_ids_and_read_back(store: AccountStore) -> None:
    # Given two registrations
    a = store.create_user(new_user())
    b = store.create_user(new_user("bob@example.org", "Bob"))
    # Then each has its own id and reads back unchanged
    assert 0 < a.id < b.id
    assert store.get_user(a.id) == a and store.get_user(b.id) == b
    assert store.get_user(b.id + 100) is None


def test_email_lookup_is_case_insensitive(store: AccountStore) -> None:
    user = store.create_user(new_user("Ada.L@Example.org"))
    assert store.find_by_email("ada.l@example.ORG") == user
    assert store.find_by_email("nobody@example.org") is None


@pytest.mark.parametrize(("email", "name", "reason"), [
    ("ADA@example.org", "Other", "email"),
    ("other@example.org", "ADA", "name"),
])
def test_email_and_name_are_unique_case_insensitively(store: AccountStore, email: str, name: str,
                                                      reason: str) -> None:
    original = store.create_user(new_user())
    with pytest.raises(Conflict, match=reason):
        store.create_user(new_user(email, name))
    # the refused registration left nothing behind
    assert store.find_by_email(email) in (None, original)
    assert store.find_by_email("ada@example.org") == original


def test_deactivation_is_stored(store: AccountStore) -> None:
    user = store.create_user(new_user())
    store.set_active(user.id, False)
    found = store.get_user(user.id)
    assert found is not None and found.is_active is False
    store.set_active(user.id, True)
    found = store.get_user(user.id)
    assert found is not None and found.is_active is True
