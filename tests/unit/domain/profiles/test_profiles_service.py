"""Mission-profile use cases on the in-memory store: the ownership rule (someone else's is not found)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.memory.profiles import KnownSatellites, MemoryProfileStore
from shared.domain.errors import InvalidRequest, NotFound, TooLarge
from shared.domain.identity import Principal
from shared.domain.profiles.models import PROFILE_MAX_BYTES, MissionProfileInput
from shared.domain.profiles.service import MissionProfiles

NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
ALICE = Principal("client_a", ("mission-profile:create",), kind="api_token")
BOB = Principal("client_b", ("mission-profile:create",), kind="api_token")
ADMIN = Principal("ops", ("admin",))
SERVICE = Principal("pipeline", kind="service")


@pytest.fixture
def profiles() -> MissionProfiles:
    return MissionProfiles(MemoryProfileStore(), KnownSatellites({25544, 43013}), clock=lambda: NOW)


def new(name: str = "Primary", **profile: object) -> MissionProfileInput:
    return MissionProfileInput(name=name, profile=profile or {"radio": {"baud": 9600}})


def test_create_records_the_owner_and_its_kind(profiles: MissionProfiles) -> None:
    p = profiles.create(ALICE, 25544, new())
    assert (p.satellite_norad_id, p.created_by, p.created_by_type, p.created_at) == (25544, "client_a",
                                                                                     "api_client", NOW)
    assert profiles.create(ADMIN, 25544, new()).created_by_type == "user"
    assert profiles.create(SERVICE, 25544, new()).created_by_type == "service"


def test_create_for_an_unknown_satellite_is_not_found(profiles: MissionProfiles) -> None:
    with pytest.raises(NotFound, match="satellite 99999 not found"):
        profiles.create(ALICE, 99999, new())


def test_create_refuses_a_profile_over_the_size_limit(profiles: MissionProfiles) -> None:
    with pytest.raises(TooLarge, match="exceeds the limit"):
        profiles.create(ALICE, 25544, new(blob="x" * PROFILE_MAX_BYTES))
    with pytest.raises(InvalidRequest, match="lone surrogate"):
        profiles.create(ALICE, 25544, new(text="\ud800"))


def test_each_caller_sees_its_own_and_admins_see_all(profiles: MissionProfiles) -> None:
    a = profiles.create(ALICE, 25544, new())
    b = profiles.create(BOB, 25544, new())
    profiles.create(ALICE, 43013, new())
    assert [p.id for p in profiles.list(ALICE, 25544)] == [a.id]
    assert [p.id for p in profiles.list(ADMIN, 25544)] == [a.id, b.id]
    assert [p.id for p in profiles.list(SERVICE, 25544)] == [a.id, b.id]
    assert profiles.get(ALICE, a.id) == a and profiles.get(ADMIN, b.id) == b
    with pytest.raises(NotFound, match=f"mission profile {b.id} not found"):
        profiles.get(ALICE, b.id)
    with pytest.raises(NotFound):
        profiles.list(ALICE, 99999)


def test_delete_own_or_as_admin_never_someone_elses(profiles: MissionProfiles) -> None:
    a = profiles.create(ALICE, 25544, new())
    b = profiles.create(BOB, 25544, new())
    with pytest.raises(NotFound):
        profiles.delete(ALICE, b.id)
    assert profiles.get(BOB, b.id) == b
    profiles.delete(ALICE, a.id)
    with pytest.raises(NotFound):
        profiles.delete(ALICE, a.id)
    profiles.delete(SERVICE, b.id)
    assert profiles.list(ADMIN, 25544) == []


class RepeatingIds(MemoryProfileStore):
    """An allocator that hands out ids it already gave (a counter that lost increments, or an emulator whose
    atomic ADD is not atomic across threads)."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.handed = iter(ids)

    def next_id(self) -> int:
        return next(self.handed)


def test_an_id_already_stored_is_not_a_failure_the_next_fresh_one_is_taken() -> None:
    store = RepeatingIds([1, 1, 1, 2])
    service = MissionProfiles(store, KnownSatellites({25544}), clock=lambda: NOW)
    first = service.create(ALICE, 25544, new("first"))
    second = service.create(BOB, 25544, new("second"))
    assert (first.id, second.id) == (1, 2)
    assert [(p.id, p.name) for p in service.list(ADMIN, 25544)] == [(1, "first"), (2, "second")]


def test_an_allocator_that_only_repeats_gives_up_without_overwriting() -> None:
    from shared.domain.profiles.ports import ProfileIdTaken
    from shared.domain.profiles.service import ID_ATTEMPTS

    store = RepeatingIds([1] * (ID_ATTEMPTS + 1))
    service = MissionProfiles(store, KnownSatellites({25544}), clock=lambda: NOW)
    service.create(ALICE, 25544, new("first"))
    with pytest.raises(ProfileIdTaken):
        service.create(BOB, 25544, new("second"))
    assert [(p.id, p.name, p.created_by) for p in service.list(ADMIN, 25544)] == [(1, "first", "client_a")]
