"""``ProfileStore`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.memory.profiles import MemoryProfileStore
from shared.domain.profiles.models import MissionProfile
from shared.domain.profiles.ports import ProfileStore

T0 = datetime(2026, 5, 5, 12, 0, 0, 123000, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[ProfileStore]:
    if request.param == "memory":
        yield MemoryProfileStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.profiles import DynamoProfilesRepository

    yield DynamoProfilesRepository()


def profile(store: ProfileStore, norad_id: int = 25544, owner: str = "client_1",
            body: dict[str, Any] | None = None) -> MissionProfile:
    p = MissionProfile(id=store.next_id(), satellite_norad_id=norad_id, name="p", profile=body or {"a": 1},
                       created_by=owner, created_by_type="api_client", created_at=T0, updated_at=T0)
    store.put(p)
    return p


def test_ids_are_fresh_and_increasing(store: ProfileStore) -> None:
    a, b = store.next_id(), store.next_id()
    assert 0 < a < b


def test_a_profile_reads_back_exactly_with_its_json(store: ProfileStore) -> None:
    body = {"radio": {"frequencyHz": 437000000, "gain": 1.0, "note": None, "tags": ["x", "ü"]}}
    p = profile(store, body=body)
    found = store.get(p.id)
    assert found == p
    assert found is not None and found.profile == body and isinstance(found.profile["radio"]["gain"], float)
    assert store.get(p.id + 1000) is None


def test_listing_per_satellite_in_id_order_and_by_owner(store: ProfileStore) -> None:
    a = profile(store, owner="client_1")
    b = profile(store, owner="client_2")
    profile(store, norad_id=43013)
    c = profile(store, owner="client_1")
    assert [p.id for p in store.list_for_satellite(25544)] == [a.id, b.id, c.id]
    assert [p.id for p in store.list_for_satellite(25544, owner="client_1")] == [a.id, c.id]
    assert store.list_for_satellite(99999) == []


def test_delete_only_when_it_exists_and_belongs_to_the_owner(store: ProfileStore) -> None:
    p = profile(store, owner="client_1")
    assert store.delete(p.id, owner="client_2") is False
    assert store.get(p.id) is not None
    assert store.delete(p.id, owner="client_1") is True
    assert store.get(p.id) is None
    assert store.delete(p.id) is False
    q = profile(store)
    assert store.delete(q.id) is True


def test_a_second_profile_with_a_stored_id_is_refused_and_the_first_kept(store: ProfileStore) -> None:
    from shared.domain.profiles.ports import ProfileIdTaken

    first = profile(store, owner="client_1")
    twin = first.model_copy(update={"created_by": "client_2", "name": "twin"})
    with pytest.raises(ProfileIdTaken):
        store.put(twin)
    assert store.get(first.id) == first
