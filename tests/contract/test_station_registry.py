"""``StationRegistryStore`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from shared.adapters.memory.stations import MemoryStationRegistry
from shared.domain.stations.ports import StationRegistryStore
from shared.domain.stations.registry import Antenna, Band, MaskPoint, RegistryEntry, UnavailabilityWindow

T0 = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[StationRegistryStore]:
    if request.param == "memory":
        yield MemoryStationRegistry()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.stations import DynamoStationRegistry

    yield DynamoStationRegistry()


def entry(gs_id: str = "4") -> RegistryEntry:
    return RegistryEntry(
        gs_id=gs_id,
        antennas=[Antenna(id="11m", bands=[Band(name="S", min_mhz=2200, max_mhz=2300, direction="downlink"),
                                           Band(name="X", min_mhz=8025, max_mhz=8400, direction="downlink")])],
        horizon_mask=[MaskPoint(azimuth_deg=0, min_elevation_deg=5), MaskPoint(azimuth_deg=180, min_elevation_deg=12)],
        windows=[UnavailabilityWindow(id="w1", start=T0, end=T0.replace(hour=14), reason="feed swap")],
        status="testing", updated_at=T0,
    )


def test_unknown_station_has_no_entry(store: StationRegistryStore) -> None:
    assert store.get("4") is None
    assert store.list_entries() == []


def test_entry_round_trips_with_its_version(store: StationRegistryStore) -> None:
    stored = store.update("4", lambda current: entry() if current is None else None)
    assert stored is not None and stored.version == 1
    read = store.get("4")
    assert read == stored
    assert read.antennas[0].bands[1].max_mhz == 8400
    assert read.windows[0].start == T0 and read.windows[0].reason == "feed swap"
    assert read.horizon_mask[1].min_elevation_deg == 12


def test_update_sees_the_current_entry_and_counts_versions(store: StationRegistryStore) -> None:
    store.update("4", lambda _: entry())
    seen: list[RegistryEntry | None] = []

    def to_maintenance(current: RegistryEntry | None) -> RegistryEntry | None:
        seen.append(current)
        assert current is not None
        return current.model_copy(update={"status": "maintenance"})

    stored = store.update("4", to_maintenance)
    assert stored is not None and stored.version == 2 and stored.status == "maintenance"
    assert seen[-1] is not None and seen[-1].status == "testing"
    unchanged = store.update("4", lambda _: None)  # nothing to change: the current entry, no write
    assert unchanged == stored and store.get("4").version == 2


def test_get_many_reads_several_stations_at_once(store: StationRegistryStore) -> None:
    store.update("4", lambda _: entry("4"))
    store.update("12", lambda _: entry("12"))
    ids = ["12", "99", "4", "12"] + [str(100 + i) for i in range(120)]  # a repeat, a miss, over one batch of 100
    got = store.get_many(ids)
    assert set(got) == set(ids)
    assert got["4"] == store.get("4") and got["12"] == store.get("12")
    assert got["4"] is not None and got["4"].gs_id == "4" and got["4"].antennas[0].bands[1].name == "X"
    assert got["99"] is None and all(got[str(100 + i)] is None for i in range(120))


def test_list_in_station_order(store: StationRegistryStore) -> None:
    for gs in ("10", "2", "1"):
        store.update(gs, lambda _, gs=gs: entry(gs))
    assert [e.gs_id for e in store.list_entries()] == ["1", "2", "10"]


def window(i: int) -> UnavailabilityWindow:
    return UnavailabilityWindow(id=f"w{i}", start=T0, end=T0.replace(hour=13), reason=f"r{i}")


def test_a_write_between_read_and_write_is_not_lost(dynamo_tables) -> None:
    """The optimistic lock, deterministically: another writer stores the entry after this update read it and
    before it writes; the update's conditional write fails, it reads again and re-applies its change."""
    from shared.adapters.dynamo.stations import DynamoStationRegistry

    store, other = DynamoStationRegistry(), DynamoStationRegistry()
    store.update("4", lambda _: entry().model_copy(update={"windows": []}))
    seen: list[int] = []

    def add_w1(cur: RegistryEntry | None) -> RegistryEntry | None:
        assert cur is not None
        seen.append(cur.version)
        if len(seen) == 1:  # the other writer gets in between this read and this write
            other.update("4", lambda c: c.model_copy(update={"windows": [*c.windows, window(0)]}) if c else None)
        return cur.model_copy(update={"windows": [*cur.windows, window(1)]})

    stored = store.update("4", add_w1)
    final = store.get("4")
    assert seen == [1, 2]  # applied to the entry it read, then again to the other writer's
    assert final is not None and [w.id for w in final.windows] == ["w0", "w1"] and final.version == 3
    assert stored == final


def test_concurrent_updates_lose_nothing(store: StationRegistryStore) -> None:
    """Four threads at once. On moto the conditional check and the put are not one atomic step across threads
    (DynamoDB's are), so a lost update there would be moto's: the DynamoDB adapter's lock is held to the
    deterministic interleaving above, and this runs on both only to show nothing deadlocks or errors."""
    store.update("4", lambda _: entry().model_copy(update={"windows": []}))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        barrier.wait()
        try:
            store.update("4", lambda c: c.model_copy(update={"windows": [*c.windows, window(i)]}) if c else None)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.get("4")
    assert final is not None and not errors
    if isinstance(store, MemoryStationRegistry):
        assert sorted(w.id for w in final.windows) == ["w0", "w1", "w2", "w3"] and final.version == 5
    else:
        assert final.version >= 2 and {w.id for w in final.windows} <= {"w0", "w1", "w2", "w3"}


def test_dynamo_listing_is_cached_and_own_writes_invalidate_it(dynamo_tables) -> None:
    """Listings (where stations are shown) are read once per TTL; a write by this process is seen at once, a
    write by another process within the TTL; ``get`` always reads."""
    from shared.adapters.dynamo.stations import DynamoStationRegistry

    mine, other = DynamoStationRegistry(cache_ttl_s=60), DynamoStationRegistry(cache_ttl_s=60)
    assert mine.list_entries() == []
    other.update("4", lambda _: entry("4"))
    assert mine.list_entries() == []  # another process's write: not seen before the TTL
    assert mine.get("4") is not None  # a direct read is never cached
    mine.update("12", lambda _: entry("12"))
    assert [e.gs_id for e in mine.list_entries()] == ["4", "12"]  # own write: the listing is read again
    uncached = DynamoStationRegistry(cache_ttl_s=0)
    other.update("7", lambda _: entry("7"))
    assert [e.gs_id for e in uncached.list_entries()] == ["4", "7", "12"]

