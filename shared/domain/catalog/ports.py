"""What the catalogue's use cases need from storage. ``shared.adapters.dynamo.catalog`` implements it on
DynamoDB, ``shared.adapters.memory.catalog`` in memory; ``tests/contract/test_catalog_store.py`` holds both
to the same behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

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

    def list_satellites(self) -> Sequence[Satellite]:
        """Every satellite by NORAD id. At catalogue scale a store returns a :class:`SatelliteColumns` too, so
        that a search reads columns and builds only the satellites it returns."""
        ...

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


@runtime_checkable
class SatelliteColumns(Protocol):
    """A satellite listing (a ``Sequence[Satellite]`` in NORAD-id order) that answers without building its
    satellites: one attribute's stored value for every satellite, and which satellites hold a current element
    set. Reading an item builds that satellite only."""

    def column(self, attribute: str) -> Sequence[Any]:
        """The attribute's value for each satellite, in listing order (None where unknown; an attribute no
        satellite has is all None)."""
        ...

    def has_element_set(self) -> Sequence[bool]: ...


class BulkCatalogStore(CatalogStore, Protocol):
    """The catalogue store as bulk ingestion (CLI imports, the scheduled refresh, demo seeding) uses it: a
    cost linear in the number of records, never a transaction per record.

    A bulk run happens inside ``bulk_session()``: one at a time (a second one waits), and when it ends no
    element set written concurrently by a single writer has been overwritten by an older one, nor descriptive
    fields lost. ``load_current`` reads every satellite's current element set once; ``put_history`` writes
    history rows (idempotent keys: NORAD id + epoch + digest of the lines); ``advance_current`` makes each
    record its satellite's current set when the current set read is older. ``publish_snapshot`` rewrites the
    compact copy of the satellite listing that reads at catalogue scale use."""

    def bulk_session(self) -> AbstractContextManager[None]: ...

    def load_current(self) -> dict[int, str]:
        """NORAD id -> key (``<epoch>#<digest>``) of its current element set; satellites without one are
        listed with an empty key."""
        ...

    def stored_history_keys(self, records: Sequence[ElementSetRecord]) -> set[tuple[int, str]]:
        """Which of ``records`` are already in their satellite's history, as (NORAD id, key)."""
        ...

    def put_history(self, records: Sequence[ElementSetRecord]) -> None: ...

    def advance_current(self, records: Sequence[ElementSetRecord]) -> set[int]:
        """One record per satellite; the NORAD ids whose current set became the record (creating the
        satellite, named after the set, when unknown). A newer set a single writer stored meanwhile is current
        again when the session ends (the id may still be listed)."""
        ...

    def upsert_satellites(self, satellites: Sequence[Satellite]) -> None:
        """``upsert_satellite`` for many: descriptive fields only, the current element set untouched."""
        ...

    def publish_snapshot(self) -> None: ...


class CatalogueSource(Protocol):
    """A document the scheduled refresh pulls: a CelesTrak GP group by URL, Space-Track's GP class…"""

    @property
    def name(self) -> str:
        """How reports and metrics name it (a URL, ``spacetrack:gp``)."""
        ...

    @property
    def kind(self) -> str:
        """``tle``, ``omm`` or ``satcat`` (``shared.domain.catalog.documents``)."""
        ...

    def fetch(self) -> bytes:
        """The document; raises ``shared.domain.errors.DomainError`` (Unavailable, DependencyFailed…) naming
        the source when it cannot be had."""
        ...
