"""Space Go sites, spacecraft and contact service configurations (seed 000).

Listings take at most one query parameter (``params.single_filter``); someone else's spacecraft is 404.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request

from shared.domain.catalog.service import SiteField, SpacecraftField
from shared.domain.errors import InvalidRequest
from shared.domain.identity import Principal
from shared.domain.stations.ports import StationRegistryStore
from shared.http import IdPath, caller
from shared.surfaces.catalog_service import Catalog
from shared.surfaces.openapi import error_responses
from shared.surfaces.spacego.params import query_lists, single_filter
from shared.surfaces.spacego.views import (
    ContactServiceConfiguration,
    Site,
    SpacecraftBody,
    service_view,
    site_view,
    spacecraft_view,
)
from shared.wiring import ledger as wiring

router = APIRouter()
Registry = Annotated[StationRegistryStore, Depends(wiring.station_registry_store)]

LISTED = error_responses("spacego", 400, 401, 403)
LOOKED_UP = error_responses("spacego", 400, 401, 403, 404)


@router.get("/api/v1/sites", response_model=list[Site], responses=LISTED, tags=["Scheduling"],
            response_model_exclude_none=True,
            summary="Get a list of sites according to the query parameter provided", operation_id="get_sites")
def list_sites(request: Request, catalog: Catalog, registry: Registry,
               _: Annotated[Principal, caller("sites.view")]) -> list[dict[str, object]]:
    chosen = single_filter(query_lists(request), ("name", "acronym"))
    field, values = chosen if chosen else (None, [])
    entries = {e.gs_id: e for e in registry.list_entries()}
    return [site_view(s, entries.get(s.id)) for s in catalog.sites(cast(SiteField | None, field), values)]


@router.get("/api/v1/sites/{site_id}", response_model=Site, responses=LOOKED_UP, tags=["Scheduling"],
            response_model_exclude_none=True,
            summary="Get information about one site", operation_id="get_site")
def get_site(site_id: IdPath, catalog: Catalog, registry: Registry,
             _: Annotated[Principal, caller("sites.view")]) -> dict[str, object]:
    site = catalog.site(site_id)
    return site_view(site, registry.get(site.id))


@router.get("/api/v1/spacecraft", response_model=list[SpacecraftBody], response_model_exclude_none=True,
            responses=LISTED, tags=["Scheduling"],
            summary="Get a list of spacecraft according to the query parameters provided",
            operation_id="get_spacecrafts")
def list_spacecraft(request: Request, catalog: Catalog,
                    principal: Annotated[Principal, caller("spacecraft.view")]) -> list[dict[str, object]]:
    chosen = single_filter(query_lists(request), ("spacecraft_id", "name", "acronym", "norad_id"))
    if chosen is None:
        return [spacecraft_view(s) for s in catalog.spacecraft_list(principal)]
    field, values = chosen
    wanted: list[str | int] = list(values)
    if field == "norad_id":
        try:
            wanted = [int(v) for v in values]
        except ValueError:
            raise InvalidRequest("query parameter 'norad_id' must be a list of integers") from None
    return [spacecraft_view(s) for s in catalog.spacecraft_list(principal, cast(SpacecraftField, field), wanted)]


@router.get("/api/v1/spacecraft/{spacecraft_id}", response_model=SpacecraftBody, response_model_exclude_none=True,
            responses=LOOKED_UP, tags=["Scheduling"], summary="Get information about one spacecraft",
            operation_id="get_spacecraft")
def get_spacecraft(spacecraft_id: IdPath, catalog: Catalog,
                   principal: Annotated[Principal, caller("spacecraft.view")]) -> dict[str, object]:
    return spacecraft_view(catalog.spacecraft(spacecraft_id, principal))


@router.get("/api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services",
            response_model=list[ContactServiceConfiguration], responses=LOOKED_UP, tags=["Scheduling"],
            summary="Get contact service configurations for the given spacecraft id",
            operation_id="get_contact_services")
def list_services(
    spacecraft_id: IdPath,
    service_type: str,
    catalog: Catalog,
    principal: Annotated[Principal, caller("spacecraft.view")],
    name: Annotated[list[str] | None, Query()] = None,
) -> list[dict[str, object]]:
    return [service_view(s) for s in catalog.services(spacecraft_id, service_type, principal, name)]


@router.get("/api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services/{service_id}",
            response_model=ContactServiceConfiguration, responses=LOOKED_UP, tags=["Scheduling"],
            summary="Get contact service of given spacecraft and service id", operation_id="get_contact_service")
def get_service(spacecraft_id: IdPath, service_type: str, service_id: str, catalog: Catalog,
                principal: Annotated[Principal, caller("spacecraft.view")]) -> dict[str, object]:
    return service_view(catalog.service(spacecraft_id, service_type, service_id, principal))
