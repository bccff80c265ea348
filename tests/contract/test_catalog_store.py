"""The catalogue store port (``shared.domain.catalog.ports.CatalogStore``): one behaviour, two
implementations — DynamoDB (in moto, tables from the shared specs) and the in-memory fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.catalog.models import ElementSetRecord, Satellite, ServiceConfig, Spacecraft, Station, Transmitter
from shared.domain.catalog.ports import CatalogStore
from tests.contract.conftest import catalog_store

EPOCH = datetime(2026, 4, 17, 4, 0, 40, 315000, tzinfo=UTC)


@pytest.fixture(params=["dynamo", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[CatalogStore]:
    with catalog_store("memory" if request.param == "memory" else "dynamo", 60) as store:
        yield store


def element_set(norad_id: int, epoch: datetime, line2_tail: str = "0", name: str | None = "SAT",
                source: str = "import") -> ElementSetRecord:
    return ElementSetRecord(norad_id=norad_id, name=name, line1=f"1 {norad_id:05d}U ...",
                            line2=f"2 {norad_id:05d} {line2_tail}", epoch=epoch, source=source, uploaded_by="ops",
                            uploaded_at=EPOCH)


def station(sid: str, **kw: object) -> Station:
    return Station.model_validate({"id": sid, "name": f"Station {sid}", "acronym": f"S{sid}", "latitude": 42.0,
                                   "longitude": 23.0, "altitude": 500, **kw})


def test_stations_round_trip_and_list_in_id_order(store: CatalogStore) -> None:
    # Given three stations stored out of order
    for sid in ("2", "10", "1"):
        store.put_station(station(sid))
    # Then a lookup returns what was stored, a miss is None, and the listing is in key (text) order
    assert store.get_station("2") == station("2")
    assert store.get_station("nope") is None
    assert [s.id for s in store.list_stations()] == ["1", "10", "2"]
    # When one is replaced, the new version is seen (a process's own writes are never stale)
    store.put_station(station("2", name="Renamed"))
    got = store.get_station("2")
    assert got is not None and got.name == "Renamed"
    assert [s.name for s in store.list_stations() if s.id == "2"] == ["Renamed"]


def test_element_sets_append_and_the_newest_epoch_is_current(store: CatalogStore) -> None:
    newer = element_set(25544, EPOCH, "new", source="celestrak")
    older = element_set(25544, EPOCH - timedelta(days=2), "old")
    # When the newer one is added first, then an older one, then the newer again
    assert store.add_element_set(newer) == "current"
    assert store.add_element_set(older) == "history"
    assert store.add_element_set(newer) == "duplicate"
    # Then the history holds both, oldest first, and the current set is the newest
    assert [h.line2 for h in store.element_set_history(25544)] == [older.line2, newer.line2]
    sat = store.get_satellite(25544)
    assert sat is not None and sat.tle == newer
    # And the satellite was created from the set: named after it, alive
    assert (sat.name, sat.names, sat.status) == ("SAT", "SAT", "alive")
    # A set with the same epoch but other lines is history, not current
    assert store.add_element_set(element_set(25544, EPOCH, "same-epoch")) == "history"
    current = store.get_satellite(25544)
    assert current is not None and current.tle is not None and current.tle.line2 == newer.line2
    assert store.element_set_history(99) == []


def test_an_unnamed_set_names_its_satellite_by_number(store: CatalogStore) -> None:
    store.add_element_set(element_set(43013, EPOCH, name=None))
    sat = store.get_satellite(43013)
    assert sat is not None and sat.name == "43013"


def test_upserting_a_satellite_keeps_its_element_set_and_unset_fields(store: CatalogStore) -> None:
    # Given a satellite with a current set and descriptive fields
    store.add_element_set(element_set(25544, EPOCH))
    store.upsert_satellite(Satellite(norad_id=25544, name="ISS", names="ISS (ZARYA)", operator="NASA",
                                     known_mass="419725"))  # fmt: skip
    # When it is upserted again without the operator
    store.upsert_satellite(Satellite(norad_id=25544, name="ISS", names="ISS (ZARYA)", purpose="Human Spaceflight"))
    # Then the set is still current, the operator kept, the purpose added
    sat = store.get_satellite(25544)
    assert sat is not None and sat.tle is not None and sat.tle.line2 == element_set(25544, EPOCH).line2
    assert (sat.operator, sat.purpose, sat.known_mass) == ("NASA", "Human Spaceflight", "419725")
    assert sat.names == "ISS (ZARYA)"
    # And a satellite upserted before any set has none; the listing is by NORAD id
    store.upsert_satellite(Satellite(norad_id=7, name="SEVEN"))
    seven = store.get_satellite(7)
    assert seven is not None and seven.tle is None
    assert [s.norad_id for s in store.list_satellites()] == [7, 25544]
    assert store.get_satellite(8) is None


def test_transmitters_and_spacecraft_round_trip(store: CatalogStore) -> None:
    store.put_transmitter(Transmitter(uuid="b", mode="LoRa", mode_id=89, gs_id="1"))
    store.put_transmitter(Transmitter(uuid="a", mode="FM", norad_cat_id=25544))
    assert [t.uuid for t in store.list_transmitters()] == ["a", "b"]
    assert store.list_transmitters()[1] == Transmitter(uuid="b", mode="LoRa", mode_id=89, gs_id="1")

    sc = Spacecraft(spacecraft_id="sc-1", norad_id=25544, name="ISS", acronym="ISS", owner="demo", sites=["1"],
                    services=[ServiceConfig(id="svc-1", name="S-band")])
    store.put_spacecraft(sc)
    store.put_spacecraft(Spacecraft(spacecraft_id="sc-0", name="Other", acronym="OT", owner="mallory"))
    assert store.get_spacecraft("sc-1") == sc
    assert store.get_spacecraft("sc-9") is None
    assert [s.spacecraft_id for s in store.list_spacecraft()] == ["sc-0", "sc-1"]


def test_returned_records_are_copies(store: CatalogStore) -> None:
    store.put_station(station("1"))
    got = store.get_station("1")
    assert got is not None
    got.name = "changed by the caller"
    again = store.get_station("1")
    assert again is not None and again.name == "Station 1"
