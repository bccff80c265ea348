"""orbapi reference data (seed 001, "Reference Data"): satellites, TLEs, ground stations, transmitters.

Any valid API token; every listing is ``{"data": [...], "total": N}`` paged by ``start``/``limit``; a
lookup by id answers a one-item listing, or 404 when the id is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar, cast

from fastapi import APIRouter, Depends, params
from pydantic import BaseModel

from shared.domain.stations.ports import StationRegistryStore
from shared.http import IdPath, NoradIdPath, caller
from shared.paging import Page, PageParams
from shared.surfaces.catalog_service import Catalog
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.views import (
    GroundStation,
    SatelliteItem,
    TleItem,
    TransmitterItem,
    satellite_view,
    station_view,
    tle_view,
    transmitter_view,
)
from shared.wiring import ledger as wiring

T = TypeVar("T")
Item = TypeVar("Item")

# ``caller()`` returns FastAPI's Depends marker (its annotation says Callable).
AUTHENTICATED = cast(params.Depends, caller())
router = APIRouter(dependencies=[AUTHENTICATED], tags=["reference data"])

Registry = Annotated[StationRegistryStore, Depends(wiring.station_registry_store)]
LISTED = error_responses("orbapi", 400, 401)
LOOKED_UP = error_responses("orbapi", 400, 401, 404)


class Listing(BaseModel, Generic[T]):
    data: list[T]
    total: int


def listing(items: Sequence[Item], view: Callable[[Item], dict[str, object]], page: Page) -> dict[str, object]:
    return {"data": [view(i) for i in page.slice(items)], "total": len(items)}


@router.get("/orbapi/satellites", response_model=Listing[SatelliteItem], responses=LISTED,
            summary="List satellites", operation_id="listSatellites")
def list_satellites(catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.satellites(), satellite_view, page)


@router.get("/orbapi/satellites/id/{noradId}", response_model=Listing[SatelliteItem], responses=LOOKED_UP,
            summary="Fetch one satellite by NORAD catalog ID", operation_id="getSatelliteById")
def satellite_by_id(noradId: NoradIdPath, catalog: Catalog, page: PageParams) -> dict[str, object]:  # noqa: N803
    return listing([catalog.require_satellite(noradId)], satellite_view, page)


@router.get("/orbapi/satellites/name/{name}", response_model=Listing[SatelliteItem], responses=LISTED,
            summary="Search satellites by name", operation_id="searchSatellitesByName")
def satellites_by_name(name: str, catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.satellites(name), satellite_view, page)


@router.get("/orbapi/tles", response_model=Listing[TleItem], responses=LISTED,
            summary="List current TLE records", operation_id="listTles")
def list_tles(catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.satellites_with_element_sets(), tle_view, page)


@router.get("/orbapi/tles/id/{noradId}", response_model=Listing[TleItem], responses=LOOKED_UP,
            summary="Fetch the TLE for one satellite by NORAD catalog ID", operation_id="getTleById")
def tle_by_id(noradId: NoradIdPath, catalog: Catalog, page: PageParams) -> dict[str, object]:  # noqa: N803
    return listing([catalog.satellite_with_element_set(noradId)], tle_view, page)


@router.get("/orbapi/tles/name/{name}", response_model=Listing[TleItem], responses=LISTED,
            summary="Search TLE records by satellite name", operation_id="searchTlesByName")
def tles_by_name(name: str, catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.satellites_with_element_sets(name), tle_view, page)


@router.get("/orbapi/gs", response_model=Listing[GroundStation], responses=LISTED, response_model_exclude_none=True,
            summary="List ground stations in the network", operation_id="listGroundStations")
def list_stations(catalog: Catalog, page: PageParams, registry: Registry) -> dict[str, object]:
    entries = {e.gs_id: e for e in registry.list_entries()}
    return listing(catalog.stations(), lambda st: station_view(st, entries.get(st.id)), page)


@router.get("/orbapi/gs/id/{id}", response_model=Listing[GroundStation], responses=LOOKED_UP,
            response_model_exclude_none=True,
            summary="Fetch one ground station by ID", operation_id="getGroundStationById")
def station_by_id(id: IdPath, catalog: Catalog, page: PageParams, registry: Registry) -> dict[str, object]:  # noqa: A002
    st = catalog.require_station(id)
    return listing([st], lambda s: station_view(s, registry.get(s.id)), page)


@router.get("/orbapi/gs/description/{description}", response_model=Listing[GroundStation], responses=LISTED,
            response_model_exclude_none=True,
            summary="Search ground stations by description", operation_id="searchGroundStationsByDescription")
def stations_by_description(description: str, catalog: Catalog, page: PageParams,
                            registry: Registry) -> dict[str, object]:
    entries = {e.gs_id: e for e in registry.list_entries()}
    return listing(catalog.stations_described(description), lambda st: station_view(st, entries.get(st.id)), page)


@router.get("/orbapi/transmitters", response_model=Listing[TransmitterItem], responses=LISTED,
            summary="List transmitter records", operation_id="listTransmitters")
def list_transmitters(catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.transmitters(), transmitter_view, page)


@router.get("/orbapi/transmitters/id/{noradCatId}", response_model=Listing[TransmitterItem], responses=LOOKED_UP,
            summary="List transmitters of a satellite", operation_id="listTransmittersBySatellite")
def transmitters_by_satellite(noradCatId: NoradIdPath, catalog: Catalog, page: PageParams) -> dict[str, object]:  # noqa: N803
    return listing(catalog.transmitters(norad_id=noradCatId), transmitter_view, page)


@router.get("/orbapi/transmitters/uuid/{uuid}", response_model=Listing[TransmitterItem], responses=LOOKED_UP,
            summary="Fetch one transmitter by UUID", operation_id="getTransmitterByUuid")
def transmitter_by_uuid(uuid: str, catalog: Catalog, page: PageParams) -> dict[str, object]:
    return listing(catalog.transmitters(uuid=uuid), transmitter_view, page)


@router.get("/orbapi/transmitters/mode/{modeId}", response_model=Listing[TransmitterItem], responses=LISTED,
            summary="List transmitters that support a mode", operation_id="listTransmittersByMode")
def transmitters_by_mode(modeId: str, catalog: Catalog, page: PageParams) -> dict[str, object]:  # noqa: N803
    return listing(catalog.transmitters(mode=modeId), transmitter_view, page)


@router.get("/orbapi/transmitters/id/{noradCatId}/mode/{modeId}", response_model=Listing[TransmitterItem],
            responses=LOOKED_UP, summary="List transmitters of a satellite filtered by mode",
            operation_id="listTransmittersBySatelliteAndMode")
def transmitters_by_satellite_and_mode(noradCatId: NoradIdPath, modeId: str, catalog: Catalog,  # noqa: N803
                                       page: PageParams) -> dict[str, object]:
    return listing(catalog.transmitters(norad_id=noradCatId, mode=modeId), transmitter_view, page)


@router.get("/orbapi/transmitters/gs/{gsId}", response_model=Listing[TransmitterItem], responses=LOOKED_UP,
            summary="List transmitters of a ground station", operation_id="listTransmittersByGroundStation")
def transmitters_by_station(gsId: IdPath, catalog: Catalog, page: PageParams) -> dict[str, object]:  # noqa: N803
    return listing(catalog.transmitters(gs_id=gsId), transmitter_view, page)


@router.get("/orbapi/transmitters/gs/{gsId}/mode/{modeId}", response_model=Listing[TransmitterItem],
            responses=LOOKED_UP, summary="List ground-station transmitters filtered by mode",
            operation_id="listTransmittersByGroundStationAndMode")
def transmitters_by_station_and_mode(gsId: IdPath, modeId: str, catalog: Catalog,  # noqa: N803
                                     page: PageParams) -> dict[str, object]:
    return listing(catalog.transmitters(gs_id=gsId, mode=modeId), transmitter_view, page)
