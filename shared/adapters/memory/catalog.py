"""The catalogue store in memory (same behaviour as ``shared.adapters.dynamo.catalog``, see
``tests/contract/test_catalog_store.py``). Records are copied in and out, so callers never share state."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from shared.domain.catalog.ingestion import cospar_id, element_set_key
from shared.domain.catalog.models import AddOutcome, ElementSetRecord, Satellite, Spacecraft, Station, Transmitter


class InMemoryCatalogStore:
    def __init__(self) -> None:
        self._stations: dict[str, Station] = {}
        self._satellites: dict[int, dict[str, Any]] = {}  # descriptive fields + "tle" (a record or absent)
        self._history: dict[int, dict[str, ElementSetRecord]] = {}  # norad -> "<epoch>#<digest>" -> record
        self._transmitters: dict[str, Transmitter] = {}
        self._spacecraft: dict[str, Spacecraft] = {}
        self._bulk = threading.RLock()  # one bulk session at a time

    # -- stations ---------------------------------------------------------------------------------------
    def put_station(self, station: Station) -> None:
        self._stations[station.id] = station.model_copy(deep=True)

    def get_station(self, station_id: str) -> Station | None:
        st = self._stations.get(station_id)
        return st.model_copy(deep=True) if st else None

    def list_stations(self) -> list[Station]:
        return [self._stations[k].model_copy(deep=True) for k in sorted(self._stations)]

    # -- satellites and element sets ----------------------------------------------------------------------
    def upsert_satellite(self, satellite: Satellite) -> None:
        body = satellite.model_dump(exclude={"tle"}, exclude_none=True)
        self._satellites.setdefault(satellite.norad_id, {}).update(body)

    def _satellite(self, item: dict[str, Any]) -> Satellite:
        return Satellite.model_validate({**item, "tle": item["tle"].model_copy() if item.get("tle") else None})

    def get_satellite(self, norad_id: int) -> Satellite | None:
        item = self._satellites.get(norad_id)
        return self._satellite(item) if item is not None else None

    def current_element_sets(self, norad_ids: Sequence[int]) -> dict[int, ElementSetRecord]:
        out: dict[int, ElementSetRecord] = {}
        for n in dict.fromkeys(norad_ids):
            sat = self.get_satellite(n)
            if sat is not None and sat.tle is not None:
                out[n] = sat.tle if sat.tle.name else sat.tle.model_copy(update={"name": sat.name})
        return out

    def list_satellites(self) -> list[Satellite]:
        return [self._satellite(self._satellites[k]) for k in sorted(self._satellites)]

    def add_element_set(self, record: ElementSetRecord) -> AddOutcome:
        key = element_set_key(record)
        history = self._history.setdefault(record.norad_id, {})
        if key in history:
            return "duplicate"
        history[key] = record.model_copy(deep=True)
        return "current" if self._ensure_satellite(record, advance=True) else "history"

    def _ensure_satellite(self, record: ElementSetRecord, *, advance: bool) -> bool:
        item = self._satellites.setdefault(record.norad_id, {})
        name = record.name or str(record.norad_id)
        item["norad_id"] = record.norad_id
        for attribute, default in (("name", name), ("names", name), ("status", "alive"),
                                   ("cospar_id", cospar_id(record.line1))):
            if item.get(attribute) is None:
                item[attribute] = default
        current: ElementSetRecord | None = item.get("tle")
        if advance and (current is None or current.epoch < record.epoch):
            item["tle"] = record.model_copy(deep=True)
            return True
        return False

    # -- bulk ingestion ---------------------------------------------------------------------------------
    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        """One at a time; every write here is applied whole, so nothing needs reconciling."""
        with self._bulk:
            yield

    def load_current(self) -> dict[int, str]:
        return {n: element_set_key(item["tle"]) if item.get("tle") else "" for n, item in self._satellites.items()}

    def stored_history_keys(self, records: Sequence[ElementSetRecord]) -> set[tuple[int, str]]:
        keys = ((r.norad_id, element_set_key(r)) for r in records)
        return {(n, k) for n, k in keys if k in self._history.get(n, {})}

    def put_history(self, records: Sequence[ElementSetRecord]) -> None:
        for record in records:
            self._history.setdefault(record.norad_id, {})[element_set_key(record)] = record.model_copy(deep=True)

    def advance_current(self, records: Sequence[ElementSetRecord]) -> set[int]:
        return {r.norad_id for r in records if self._ensure_satellite(r, advance=True)}

    def upsert_satellites(self, satellites: Sequence[Satellite]) -> None:
        for satellite in satellites:
            self.upsert_satellite(satellite)

    def publish_snapshot(self) -> None:
        """Listings are always read from memory: nothing to publish."""

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        history = self._history.get(norad_id, {})
        return [history[k].model_copy(deep=True) for k in sorted(history)]

    # -- transmitters -----------------------------------------------------------------------------------
    def put_transmitter(self, transmitter: Transmitter) -> None:
        self._transmitters[transmitter.uuid] = transmitter.model_copy(deep=True)

    def list_transmitters(self) -> list[Transmitter]:
        return [self._transmitters[k].model_copy(deep=True) for k in sorted(self._transmitters)]

    # -- spacecraft ---------------------------------------------------------------------------------------
    def put_spacecraft(self, spacecraft: Spacecraft) -> None:
        self._spacecraft[spacecraft.spacecraft_id] = spacecraft.model_copy(deep=True)

    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None:
        sc = self._spacecraft.get(spacecraft_id)
        return sc.model_copy(deep=True) if sc else None

    def list_spacecraft(self) -> list[Spacecraft]:
        return [self._spacecraft[k].model_copy(deep=True) for k in sorted(self._spacecraft)]
