"""Every surface's OpenAPI document and Swagger UI page (``functions/surface_docs``): served under the surface's
base path, with Swagger UI's files from the installed package (no CDN), errors in the surface's own body."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from functions.surface_docs.app import app
from functions.surface_docs.spec import SPEC
from infra.local.gateway import LocalGateway
from shared.resources import routes
from shared.surfaces.docs import ASSET_TYPES, paths, route_table
from shared.surfaces.openapi import SURFACES, surface_document

client = TestClient(app)
SURFACE_NAMES = sorted(SURFACES)
# (surface, document, page) as the foundation issue names them
PUBLISHED = [
    ("spacego", "/api/v1/openapi.json", "/api/v1/docs"),
    ("orbapi", "/orbapi/openapi.json", "/orbapi/docs"),
    ("ssa", "/openapi.json", "/docs"),
    ("pipeline", "/pipeline/openapi.json", "/pipeline/docs"),
    ("satnogs", "/satnogs/api/openapi.json", "/satnogs/api/docs"),
]
NOT_FOUND_BODY = {
    "spacego": lambda b: set(b) == {"title", "detail", "trace_id"},
    "orbapi": lambda b: set(b) == {"error"},
    "ssa": lambda b: b.get("status_code") == 404 and "detail" in b,
    "pipeline": lambda b: set(b) == {"error", "errorMessage"},
    "satnogs": lambda b: set(b) == {"detail"},
}


def local_references(html: str) -> list[str]:
    """Every URL the page loads: src/href attributes and Swagger UI's ``url:``."""
    return re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)


@pytest.mark.parametrize(("surface", "document_url", "page_url"), PUBLISHED)
def test_document_is_served_where_the_issue_says(surface: str, document_url: str, page_url: str) -> None:
    response = client.get(document_url)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == surface_document(surface)
    assert paths(surface)["openapi"] == document_url and paths(surface)["docs"] == page_url


@pytest.mark.parametrize(("surface", "document_url", "page_url"), PUBLISHED)
def test_docs_page_loads_only_local_assets(surface: str, document_url: str, page_url: str) -> None:
    # Given the page / When it is fetched
    response = client.get(page_url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    # Then every URL it loads is on this host, under the surface's base path, and answers
    refs = local_references(html)
    assert document_url in refs
    assert any(r.endswith("/swagger-ui-bundle.js") for r in refs) and any(r.endswith("/swagger-ui.css") for r in refs)
    for ref in refs:
        assert ref.startswith(paths(surface)["assets"] + "/") or ref == document_url, ref
        assert client.get(ref).status_code == 200, ref
    assert "cdn" not in html.lower() and "https://" not in html
    assert '"validatorUrl": null' in html  # Swagger UI must not call its public validator


def test_space_go_page_has_the_oauth2_redirect_page() -> None:
    assert "oauth2RedirectUrl" in client.get("/api/v1/docs").text
    assert client.get("/api/v1/docs/oauth2-redirect").status_code == 200
    assert "oauth2RedirectUrl" not in client.get("/orbapi/docs").text


@pytest.mark.parametrize("surface", SURFACE_NAMES)
@pytest.mark.parametrize("name", sorted(ASSET_TYPES))
def test_assets_come_from_the_installed_package_with_type_and_cache_headers(surface: str, name: str) -> None:
    url = f"{paths(surface)['assets']}/{name}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == resources.files("fastapi_offline").joinpath("static", name).read_bytes()
    assert response.headers["content-type"] == ASSET_TYPES[name]
    assert response.headers["cache-control"] == "public, max-age=86400"
    # a cached copy is revalidated by its ETag
    again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("surface", SURFACE_NAMES)
@pytest.mark.parametrize("name", ["index.html", "..%2Fcore.py", "redoc.standalone.js"])
def test_only_the_known_assets_are_served_and_errors_use_the_surface_body(surface: str, name: str) -> None:
    response = client.get(f"{paths(surface)['assets']}/{name}")
    assert response.status_code == 404
    assert NOT_FOUND_BODY[surface](response.json()), response.text


def test_route_table_lists_exactly_the_docs_routes() -> None:
    expected = routes(*(r for surface in SURFACE_NAMES for r in route_table(surface)))
    assert sorted(map(str, SPEC.routes)) == sorted(map(str, expected))


@pytest.mark.parametrize("route", [str(r) for r in SPEC.routes])
def test_the_local_gateway_sends_each_docs_route_to_this_function(route: str) -> None:
    method, path = route.split(" ", 1)
    resolved = LocalGateway().resolve(method, path.replace("{name}", "swagger-ui.css"))
    assert resolved is not None and resolved.name == "surface_docs"


def test_docs_routes_are_public() -> None:
    assert not SPEC.needs_jwt_secret and not SPEC.tables and not SPEC.needs_orbit_layer
    assert client.get("/docs", headers={"Authorization": "Bearer nonsense"}).status_code == 200


def _api_gateway_event(path: str) -> dict:
    """An HTTP API (payload 2.0) request as API Gateway hands it to the function."""
    return {
        "version": "2.0",
        "routeKey": f"GET {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "api.example.test", "accept-encoding": "gzip"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.test",
            "domainPrefix": "api",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "pytest"},
            "requestId": "id",
            "routeKey": f"GET {path}",
            "stage": "$default",
            "time": "02/Dec/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "isBase64Encoded": False,
    }


class _Context:
    function_name = "surface_docs"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:surface_docs"
    aws_request_id = "id"


@pytest.mark.parametrize(("path", "binary"), [
    ("/orbapi/docs", False),
    ("/orbapi/openapi.json", False),
    ("/orbapi/docs-assets/swagger-ui-bundle.js", False),
    ("/orbapi/docs-assets/favicon.png", True),
])
def test_the_lambda_handler_serves_pages_and_assets(path: str, binary: bool) -> None:
    import base64

    from functions.surface_docs.handler import handler

    out = handler(_api_gateway_event(path), _Context())
    assert out["statusCode"] == 200 and out["isBase64Encoded"] is binary
    body = base64.b64decode(out["body"]) if binary else out["body"].encode()
    if path.endswith(".png"):
        assert body.startswith(b"\x89PNG")
    assert len(body) < 6 * 1024 * 1024  # Lambda's response limit


def test_the_lambda_bundle_ships_the_assets_package() -> None:
    # the runtime-dependencies layer every function gets installs pyproject's pins, this one included
    from infra.build_assets import runtime_layer_requirements

    assert any(r.startswith("fastapi-offline==") for r in runtime_layer_requirements())
