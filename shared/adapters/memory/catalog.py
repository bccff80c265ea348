"""The catalogue store in memory (same behaviour as ``shared.adapters.dynamo.catalog``, see
``tests/contract/test_catalog_store.py``). Records are copied in and out, so callers never share state."""

from __future__ import annotations

import hashlib
from typing import Any

from shared.domain.catalog.models import AddOutcome, ElementSetRecord, Satellite, Spacecraft, Station, Transmitter


class InMemoryCatalogStore:
    def __init__(self) -> None:
        self._stations: dict[str, Station] = {}
        self._satellites: dict[int, dict[str, Any]] = {}  # descriptive fields + "tle" (a record or absent)
        self._history: dict[int, dict[str, ElementSetRecord]] = {}  # norad -> "<epoch>#<digest>" -> record
        self._transmitters: dict[str, Transmitter] = {}
        self._spacecraft: dict[str, Spacecraft] = {}

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

    def list_satellites(self) -> list[Satellite]:
        return [self._satellite(self._satellites[k]) for k in sorted(self._satellites)]

    def add_element_set(self, record: ElementSetRecord) -> AddOutcome:
        digest = hashlib.sha256(f"{record.line1}\n{record.line2}".encode()).hexdigest()[:16]
        key = f"{record.epoch.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{digest}"
        history = self._history.setdefault(record.norad_id, {})
        if key in history:
            return "duplicate"
        history[key] = record.model_copy(deep=True)
        item = self._satellites.setdefault(record.norad_id, {})
        name = record.name or str(record.norad_id)
        item["norad_id"] = record.norad_id
        for attribute, default in (("name", name), ("names", name), ("status", "alive")):
            item.setdefault(attribute, default)
        current: ElementSetRecord | None = item.get("tle")
        if current is None or current.epoch < record.epoch:
            item["tle"] = record.model_copy(deep=True)
            return "current"
        return "history"

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
