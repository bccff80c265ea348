"""orbapi reference data endpoints (seed 001): satellites, TLEs, ground stations, transmitters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functions.orbapi_catalog.logic import (
    OrbapiCatalog,
    satellite_view,
    station_view,
    tle_view,
    transmitter_view,
)
from shared.adapters.dynamo.catalog import catalog_repository
from shared.http import IdPath, NoradIdPath, caller, create_app
from shared.paging import Page, PageParams

app = create_app("orbapi", "Groundlink orbapi reference data")
authenticated = caller()

NoradId = NoradIdPath


def catalog() -> OrbapiCatalog:
    return OrbapiCatalog(catalog_repository())


def listing(items: Sequence[Any], view: Callable[[Any], dict], page: Page) -> dict:
    return {"data": [view(i) for i in page.slice(items)], "total": len(items)}


@app.get("/orbapi/satellites", dependencies=[authenticated])
def list_satellites(page: PageParams) -> dict:
    return listing(catalog().satellites(), satellite_view, page)


@app.get("/orbapi/satellites/id/{noradId}", dependencies=[authenticated])
def satellite_by_id(noradId: NoradId, page: PageParams) -> dict:  # noqa: N803 (seed's name)
    return listing([catalog().satellite(noradId)], satellite_view, page)


@app.get("/orbapi/satellites/name/{name}", dependencies=[authenticated])
def satellites_by_name(name: str, page: PageParams) -> dict:
    return listing(catalog().satellites(name), satellite_view, page)


@app.get("/orbapi/tles", dependencies=[authenticated])
def list_tles(page: PageParams) -> dict:
    return listing(catalog().tles(), tle_view, page)


@app.get("/orbapi/tles/id/{noradId}", dependencies=[authenticated])
def tle_by_id(noradId: NoradId, page: PageParams) -> dict:  # noqa: N803
    return listing([catalog().tle(noradId)], tle_view, page)


@app.get("/orbapi/tles/name/{name}", dependencies=[authenticated])
def tles_by_name(name: str, page: PageParams) -> dict:
    return listing(catalog().tles(name), tle_view, page)


@app.get("/orbapi/gs", dependencies=[authenticated])
def list_stations(page: PageParams) -> dict:
    return listing(catalog().stations(), station_view, page)


@app.get("/orbapi/gs/id/{id}", dependencies=[authenticated])
def station_by_id(id: IdPath, page: PageParams) -> dict:  # noqa: A002
    return listing([catalog().station(id)], station_view, page)


@app.get("/orbapi/gs/description/{description}", dependencies=[authenticated])
def stations_by_description(description: str, page: PageParams) -> dict:
    return listing(catalog().stations(description), station_view, page)


@app.get("/orbapi/transmitters", dependencies=[authenticated])
def list_transmitters(page: PageParams) -> dict:
    return listing(catalog().transmitters(), transmitter_view, page)


@app.get("/orbapi/transmitters/id/{noradCatId}", dependencies=[authenticated])
def transmitters_by_satellite(noradCatId: NoradId, page: PageParams) -> dict:  # noqa: N803
    return listing(catalog().transmitters(norad_id=noradCatId), transmitter_view, page)


@app.get("/orbapi/transmitters/uuid/{uuid}", dependencies=[authenticated])
def transmitter_by_uuid(uuid: str, page: PageParams) -> dict:
    return listing(catalog().transmitters(uuid=uuid), transmitter_view, page)


@app.get("/orbapi/transmitters/mode/{modeId}", dependencies=[authenticated])
def transmitters_by_mode(modeId: str, page: PageParams) -> dict:  # noqa: N803
    return listing(catalog().transmitters(mode=modeId), transmitter_view, page)


@app.get("/orbapi/transmitters/id/{noradCatId}/mode/{modeId}", dependencies=[authenticated])
def transmitters_by_satellite_and_mode(noradCatId: NoradId, modeId: str, page: PageParams) -> dict:  # noqa: N803
    return listing(catalog().transmitters(norad_id=noradCatId, mode=modeId), transmitter_view, page)


@app.get("/orbapi/transmitters/gs/{gsId}", dependencies=[authenticated])
def transmitters_by_station(gsId: IdPath, page: PageParams) -> dict:  # noqa: N803
    return listing(catalog().transmitters(gs_id=gsId), transmitter_view, page)


@app.get("/orbapi/transmitters/gs/{gsId}/mode/{modeId}", dependencies=[authenticated])
def transmitters_by_station_and_mode(gsId: IdPath, modeId: str, page: PageParams) -> dict:  # noqa: N803
    return listing(catalog().transmitters(gs_id=gsId, mode=modeId), transmitter_view, page)
