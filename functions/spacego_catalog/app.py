"""Space Go catalogue endpoints (seed 000): sites, spacecraft, TLE, service configurations."""

from __future__ import annotations

from fastapi import Query, Request

from functions.spacego_catalog.logic import SpaceGoCatalog, service_view, site_view, spacecraft_view
from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.identity import Principal
from shared.http import IdPath, caller, create_app

app = create_app("spacego", "Groundlink Space Go catalogue")


def catalog() -> SpaceGoCatalog:
    return SpaceGoCatalog(catalog_repository())


def query_lists(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, val in request.query_params.multi_items():
        params.setdefault(key, []).append(val)
    return params


@app.get("/api/v1/sites")
def list_sites(request: Request, _: Principal = caller("sites.view")) -> list[dict]:
    return [site_view(s) for s in catalog().sites(query_lists(request))]


@app.get("/api/v1/sites/{site_id}")
def get_site(site_id: IdPath, _: Principal = caller("sites.view")) -> dict:
    return site_view(catalog().site(site_id))


@app.get("/api/v1/spacecraft")
def list_spacecraft(request: Request, principal: Principal = caller("spacecraft.view")) -> list[dict]:
    return [spacecraft_view(s) for s in catalog().spacecraft_list(query_lists(request), principal)]


@app.get("/api/v1/spacecraft/{spacecraft_id}")
def get_spacecraft(spacecraft_id: IdPath, principal: Principal = caller("spacecraft.view")) -> dict:
    return spacecraft_view(catalog().spacecraft(spacecraft_id, principal))


@app.get("/api/v1/spacecraft/{spacecraft_id}/tle")
def get_spacecraft_tle(spacecraft_id: IdPath, principal: Principal = caller("tle.view")) -> dict:
    return catalog().tle(spacecraft_id, principal)


@app.get("/api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services")
def list_services(
    spacecraft_id: IdPath,
    service_type: str,
    name: list[str] | None = Query(default=None),
    principal: Principal = caller("spacecraft.view"),
) -> list[dict]:
    return [service_view(s) for s in catalog().services(spacecraft_id, service_type, principal, name)]


@app.get("/api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services/{service_id}")
def get_service(
    spacecraft_id: IdPath, service_type: str, service_id: str, principal: Principal = caller("spacecraft.view")
) -> dict:
    return service_view(catalog().service(spacecraft_id, service_type, service_id, principal))
