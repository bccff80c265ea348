"""The catalogue's searches over a store that publishes columns (``ports.SatelliteColumns``): the same answers as
over built satellites, and only the satellites a request returns are read from the listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.catalog.ports import SatelliteColumns
from shared.domain.catalog.service import OFFICIAL_NAME, CatalogService, Listing
from tests.contract.test_catalog_store import EPOCH


def satellite(n: int, **fields: Any) -> Satellite:
    tle = None
    if n % 3 == 0:  # every third holds an element set
        tle = ElementSetRecord(norad_id=n, name=f"SAT {n}", line1=f"1 {n:05d}U", line2=f"2 {n:05d}", epoch=EPOCH,
                               uploaded_at=EPOCH)
    return Satellite(norad_id=n, name=f"SAT {n}", names=f"Satellite number {n}", tle=tle, **fields)


SATELLITES = [
    *(satellite(n) for n in range(1, 40)),
    satellite(40, satellite_name_official="Noaa Twenty", country_operator="USA", constellation_name="JPSS",
              detailed_purpose="Earth Observation", purpose="Earth Science"),
    satellite(41, country_org_un_registry="usa", operator="NASA", detailed_purpose="Radar Imaging"),
    satellite(42, operator="usa", constellation_name="jpss", country_operator="USA"),
]


class CountingListing(Sequence[Satellite]):
    """A listing with columns that records which satellites were read."""

    def __init__(self, satellites: list[Satellite]) -> None:
        self._satellites = satellites
        self.read: list[int] = []

    def __len__(self) -> int:
        return len(self._satellites)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        self.read.append(self._satellites[index].norad_id)
        return self._satellites[index]

    def column(self, attribute: str) -> Sequence[Any]:
        return [getattr(s, attribute, None) for s in self._satellites]

    def has_element_set(self) -> Sequence[bool]:
        return [s.tle is not None for s in self._satellites]


class ColumnStore(InMemoryCatalogStore):
    def __init__(self) -> None:
        super().__init__()
        self.listing = CountingListing(SATELLITES)

    def list_satellites(self) -> CountingListing:  # type: ignore[override]
        return self.listing


@pytest.fixture
def both() -> tuple[CatalogService, CatalogService, CountingListing]:
    objects = InMemoryCatalogStore()
    for sat in SATELLITES:
        objects.upsert_satellite(sat)
        if sat.tle is not None:
            objects.add_element_set(sat.tle)
    store = ColumnStore()
    assert isinstance(store.listing, SatelliteColumns)
    return CatalogService(objects), CatalogService(store), store.listing


def ids(sats: Sequence[Satellite]) -> list[int]:
    return [s.norad_id for s in sats]


def test_searches_over_columns_answer_as_over_objects(both: tuple[CatalogService, CatalogService, Any]) -> None:
    objects, columns, _ = both
    for ask in (
        lambda c: c.satellites(), lambda c: c.satellites("number 4"), lambda c: c.satellites_with_element_sets(),
        lambda c: c.satellites_with_element_sets("SAT 3"), lambda c: c.search_satellites(search="twenty"),
        lambda c: c.search_satellites(search="41"), lambda c: c.search_satellites(country="usa"),
        lambda c: c.search_satellites(constellation="JPSS", country="usa"),
        lambda c: c.satellites_of_countries(["usa"], constellation_name=["jpss"]),
        lambda c: c.find_satellites_by_text("noaa", OFFICIAL_NAME),
        lambda c: c.find_satellites_by_text("nas", "operator"),
        lambda c: c.satellites_in_order([42, 3, 40]),
    ):
        assert ids(ask(columns)) == ids(ask(objects))
    assert ids(columns.satellites("number 4")) == [4, *range(40, 43)]
    assert ids(columns.search_satellites(country="usa")) == [40, 41, 42]
    assert ids(columns.satellites_with_element_sets("SAT 3")) == [3, 30, 33, 36, 39]
    for ask in (lambda c: c.constellations(["USA"]), lambda c: c.detailed_purposes(["usa"]),
                lambda c: c.satellite_types(["USA"])):
        assert ask(columns) == ask(objects)
    assert columns.satellite_types(["USA"]) == ["EO", "Unknown sensor"]


def test_only_what_is_returned_is_read(both: tuple[CatalogService, CatalogService, CountingListing]) -> None:
    _, columns, listing = both
    everything = columns.satellites()
    assert len(everything) == 42 and listing.read == []  # counted, not read
    assert ids(everything[10:13]) == [11, 12, 13] and listing.read == [11, 12, 13]
    listing.read.clear()
    found = columns.search_satellites(search="noaa")
    assert len(found) == 1 and listing.read == []
    assert found[0].satellite_name_official == "Noaa Twenty" and listing.read == [40]
    listing.read.clear()
    assert columns.constellations(["usa"]) == ["JPSS", "jpss"] and listing.read == []


def test_containing_finds_each_satellite_once_and_never_across_two() -> None:
    listing = Listing([Satellite(norad_id=n, name=name) for n, name in enumerate(
        ["abab", "b", "ab", "", "a", "ba", "x\x1eab"], start=1)])
    names = ["abab", "b", "ab", None, "a", "ba", "x\x1eab"]
    assert listing.containing("ab", names) == [0, 2, 6]  # "abab" once; "a" + "b" of two rows is no match
    assert listing.containing("ba", names) == [0, 5]
    assert listing.containing("a\x1eb", ["a", "b"]) == []  # a needle holding the row separator: tested per row
    assert listing.containing("", names) == [0, 1, 2, 4, 5, 6]  # every known text holds the empty string
    assert listing.containing("zz", names) == []


def test_a_name_repeated_in_another_column_is_searched_once_and_still_found() -> None:
    listing = Listing([Satellite(norad_id=1, name="ISS", names="ISS"),
                       Satellite(norad_id=2, name="X", names="ISS (ZARYA)"),
                       Satellite(norad_id=3, name="A", names="B", satellite_name_official="Iss"),
                       Satellite(norad_id=4, name="Yonder", names="Yonder")])
    assert listing.naming("iss", Listing.NAMES) == [0, 1]
    assert listing.naming("iss", Listing.OFFICIAL_NAMES) == [0, 1, 2]
    assert listing.naming("yond", Listing.NAMES) == [3]
    assert listing._distinct(Listing.NAMES) == [None, "iss (zarya)", "b", None]
