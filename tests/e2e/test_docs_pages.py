"""End to end: the local runtime (``python -m infra.local``) serves every surface's OpenAPI document and Swagger
UI page over HTTP, and each page loads only files this host serves (no CDN: the pages work offline)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PUBLISHED = [
    ("/api/v1/openapi.json", "/api/v1/docs", "SSC Space Go API v1"),
    ("/orbapi/openapi.json", "/orbapi/docs", "Decentralized Space Network API"),
    ("/openapi.json", "/docs", "SSA Backend API"),
    ("/pipeline/openapi.json", "/pipeline/docs", "Groundlink Pipelines API"),
    ("/satnogs/api/openapi.json", "/satnogs/api/docs", "Groundlink SatNOGS station API"),
]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def test_banner_names_the_docs_pages(runtime):
    assert all(f"{runtime.base}{page}" in runtime.banner for _, page, _ in PUBLISHED)


@pytest.mark.parametrize(("document", "page", "title"), PUBLISHED)
def test_each_surface_publishes_its_document_and_a_page_with_only_local_assets(runtime, document, page, title):
    # Given the running platform / When the document is fetched
    status, headers, body = fetch(runtime.base + document)
    # Then it is the surface's OpenAPI 3.1 document
    assert status == 200 and headers["content-type"] == "application/json"
    spec = json.loads(body)
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] == title
    assert spec["components"]["securitySchemes"]

    # When the page is fetched
    status, headers, body = fetch(runtime.base + page)
    html = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    # Then everything it loads is a path on this host, and answers
    refs = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert document in refs and len(refs) >= 4
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        status, headers, asset = fetch(runtime.base + ref)
        assert status == 200 and asset, ref
    assert "https://" not in html and "http://" not in html
    js = next(r for r in refs if r.endswith(".js"))
    _, headers, _ = fetch(runtime.base + js)
    assert headers["content-type"].startswith("text/javascript") and "max-age" in headers["cache-control"]
