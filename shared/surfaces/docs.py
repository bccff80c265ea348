"""Each surface's OpenAPI document and interactive docs page (Swagger UI), under the surface's base path:

=========  =============================  ======================  =================================
surface    document                       page                    Swagger UI's files
=========  =============================  ======================  =================================
spacego    ``/api/v1/openapi.json``       ``/api/v1/docs``        ``/api/v1/docs-assets/{name}``
orbapi     ``/orbapi/openapi.json``       ``/orbapi/docs``        ``/orbapi/docs-assets/{name}``
ssa        ``/openapi.json``              ``/docs``               ``/docs-assets/{name}``
pipeline   ``/pipeline/openapi.json``     ``/pipeline/docs``      ``/pipeline/docs-assets/{name}``
satnogs    ``/satnogs/api/openapi.json``  ``/satnogs/api/docs``   ``/satnogs/api/docs-assets/{name}``
=========  =============================  ======================  =================================

Swagger UI's JavaScript, CSS and icon come from the installed ``fastapi-offline`` package (pinned in
``pyproject.toml``), never from a CDN: the pages work with no internet access. Each surface serves its own
copy under its base path, so a surface published alone (one base path behind a proxy) keeps working docs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

from shared.domain.errors import NotFound
from shared.surfaces.openapi import SURFACES, surface_document_json

ASSET_PACKAGE = "fastapi_offline"
ASSET_TYPES: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
# The files change only with the pinned package: a day in caches, revalidated by ETag after that.
ASSET_CACHE_CONTROL = "public, max-age=86400"
DOCUMENT_CACHE_CONTROL = "no-cache"

# Swagger UI must not call its public validator (validator.swagger.io): nothing leaves the page.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None, "displayRequestDuration": True}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


@cache
def asset(name: str) -> Asset:
    """One of Swagger UI's files from the installed package; ``NotFound`` for any other name."""
    if name not in ASSET_TYPES:
        raise NotFound(f"no docs asset {name!r}")
    body = resources.files(ASSET_PACKAGE).joinpath("static", name).read_bytes()
    return Asset(body, ASSET_TYPES[name], '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def paths(surface: str) -> dict[str, str]:
    """The URLs of a surface's document, page, OAuth 2.0 redirect page and asset folder."""
    base = SURFACES[surface].base_path
    return {
        "openapi": f"{base}/openapi.json",
        "docs": f"{base}/docs",
        "oauth2_redirect": f"{base}/docs/oauth2-redirect",
        "assets": f"{base}/docs-assets",
    }


def _has_oauth2(surface: str) -> bool:
    return any(s.get("type") == "oauth2" for s in SURFACES[surface].security_schemes.values())


def docs_page(surface: str) -> HTMLResponse:
    urls = paths(surface)
    page = get_swagger_ui_html(
        openapi_url=urls["openapi"],
        title=f"{SURFACES[surface].title} - Swagger UI",
        swagger_js_url=f"{urls['assets']}/swagger-ui-bundle.js",
        swagger_css_url=f"{urls['assets']}/swagger-ui.css",
        swagger_favicon_url=f"{urls['assets']}/favicon.png",
        oauth2_redirect_url=urls["oauth2_redirect"] if _has_oauth2(surface) else None,
        swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
    )
    page.headers["cache-control"] = DOCUMENT_CACHE_CONTROL
    return page


def docs_router(surface: str) -> APIRouter:
    """The routes that publish one surface's document and docs page (none of them in the document)."""
    urls = paths(surface)
    router = APIRouter(include_in_schema=False)

    @router.get(urls["openapi"])
    def openapi_document() -> Response:
        return Response(
            surface_document_json(surface),
            media_type="application/json",
            headers={"cache-control": DOCUMENT_CACHE_CONTROL},
        )

    @router.get(urls["docs"])
    def swagger_ui() -> HTMLResponse:
        return docs_page(surface)

    if _has_oauth2(surface):

        @router.get(urls["oauth2_redirect"])
        def oauth2_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

    @router.get(urls["assets"] + "/{name}")
    def docs_asset(name: str, request: Request) -> Response:
        found = asset(name)
        headers = {"cache-control": ASSET_CACHE_CONTROL, "etag": found.etag}
        if request.headers.get("if-none-match") == found.etag:
            return Response(status_code=304, headers=headers)
        return Response(found.body, media_type=found.content_type, headers=headers)

    return router


def route_table(surface: str) -> tuple[str, ...]:
    """The HTTP routes of ``docs_router(surface)`` in the route table's syntax (``GET /path``)."""
    urls = paths(surface)
    out = [f"GET {urls['openapi']}", f"GET {urls['docs']}"]
    if _has_oauth2(surface):
        out.append(f"GET {urls['oauth2_redirect']}")
    out.append(f"GET {urls['assets']}/{{name}}")
    return tuple(out)
