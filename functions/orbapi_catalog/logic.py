"""orbapi reference data: the catalogue in seed 001's shapes."""

from __future__ import annotations

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.domain.catalog.models import Satellite, Station, Transmitter
from shared.domain.errors import NotFound
from shared.orbapi_views import (
    station_order,
    station_view,  # noqa: F401 (re-exported for the app)
)
from shared.timefmt import iso_ms


def satellite_view(sat: Satellite) -> dict:
    return {"norad_cat_id": sat.norad_id, "name": sat.name, "names": sat.names or sat.name, "status": sat.status}


def tle_view(sat: Satellite) -> dict:
    assert sat.tle is not None
    return {
        "id": sat.norad_id,
        "name": sat.name,
        "tle0": sat.tle.name or sat.names or sat.name,
        "tle1": sat.tle.line1,
        "tle2": sat.tle.line2,
        "epoch": iso_ms(sat.tle.epoch),
    }


def transmitter_view(tx: Transmitter) -> dict:
    return {
        "uuid": tx.uuid,
        "norad_cat_id": tx.norad_cat_id,
        "description": tx.description,
        "mode": tx.mode,
        "mode_id": tx.mode_id,
        "gs_id": tx.gs_id,
        "status": tx.status,
    }


def _matches(text: str, *candidates: str | None) -> bool:
    needle = text.strip().casefold()
    return any(needle in (c or "").casefold() for c in candidates)


def mode_matches(tx: Transmitter, mode: str) -> bool:
    return tx.mode.casefold() == mode.strip().casefold() or str(tx.mode_id) == mode.strip()


class OrbapiCatalog:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def satellites(self, name: str | None = None) -> list[Satellite]:
        sats = sorted(self.repo.list_satellites(), key=lambda s: s.norad_id)
        return [s for s in sats if name is None or _matches(name, s.name, s.names)]

    def satellite(self, norad_id: int) -> Satellite:
        sat = self.repo.get_satellite(norad_id)
        if sat is None:
            raise NotFound(f"satellite {norad_id} not found")
        return sat

    def tles(self, name: str | None = None) -> list[Satellite]:
        return [s for s in self.satellites(name) if s.tle is not None]

    def tle(self, norad_id: int) -> Satellite:
        sat = self.satellite(norad_id)
        if sat.tle is None:
            raise NotFound(f"no TLE stored for satellite {norad_id}")
        return sat

    def stations(self, description: str | None = None) -> list[Station]:
        stations = sorted(self.repo.list_stations(), key=station_order)
        return [s for s in stations if description is None or _matches(description, s.description, s.name)]

    def station(self, station_id: str) -> Station:
        st = self.repo.get_station(station_id)
        if st is None:
            raise NotFound(f"ground station {station_id} not found")
        return st

    def transmitters(
        self,
        *,
        norad_id: int | None = None,
        gs_id: str | None = None,
        mode: str | None = None,
        uuid: str | None = None,
    ) -> list[Transmitter]:
        if norad_id is not None:
            self.satellite(norad_id)
        if gs_id is not None:
            self.station(gs_id)
        out = []
        for tx in sorted(self.repo.list_transmitters(), key=lambda t: t.uuid):
            if norad_id is not None and tx.norad_cat_id != norad_id:
                continue
            if gs_id is not None and tx.gs_id != gs_id:
                continue
            if mode is not None and not mode_matches(tx, mode):
                continue
            if uuid is not None and tx.uuid != uuid:
                continue
            out.append(tx)
        if uuid is not None and not out:
            raise NotFound(f"transmitter {uuid} not found")
        return out
