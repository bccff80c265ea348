"""What the catalogue's use cases need from storage. ``shared.adapters.dynamo.catalog`` implements it on
DynamoDB, ``shared.adapters.memory.catalog`` in memory; ``tests/contract/test_catalog_store.py`` holds both
to the same behaviour."""

from __future__ import annotations

from typing import Protocol

from shared.domain.catalog.models import AddOutcome, ElementSetRecord, Satellite, Spacecraft, Station, Transmitter

AddResult = AddOutcome
"""What appending an element set did: made it current (newest epoch), kept it as history only, or
nothing (the same lines were already stored)."""


class CatalogStore(Protocol):
    """Stations (= sites), satellites with their element-set history, transmitters, spacecraft.

    Listings come in key order: stations and transmitters by id (text), satellites by NORAD id,
    spacecraft by id, element-set history by epoch (oldest first)."""

    def put_station(self, station: Station) -> None: ...
    def get_station(self, station_id: str) -> Station | None: ...
    def list_stations(self) -> list[Station]: ...

    def upsert_satellite(self, satellite: Satellite) -> None:
        """Create or update the descriptive fields given (None fields are left as stored); never
        touches the current element set."""
        ...

    def get_satellite(self, norad_id: int) -> Satellite | None: ...
    def list_satellites(self) -> list[Satellite]: ...

    def add_element_set(self, record: ElementSetRecord) -> AddResult:
        """Append to the satellite's history (creating the satellite, named after the set, when unknown);
        the set becomes current when its epoch is newer than the current one's."""
        ...

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]: ...

    def put_transmitter(self, transmitter: Transmitter) -> None: ...
    def list_transmitters(self) -> list[Transmitter]: ...

    def put_spacecraft(self, spacecraft: Spacecraft) -> None: ...
    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None: ...
    def list_spacecraft(self) -> list[Spacecraft]: ...
