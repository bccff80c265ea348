"""The OpenAPI builder (``shared.surfaces.openapi.surface_document``) on a stand-in surface package
(``tests/integration/openapi_surfaces``): discovery of routers, security from ``caller(scope)``, each surface's
error bodies in place of FastAPI's 422, Space Go's paths relative to its ``/api/v1`` server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from shared.surfaces.openapi import SURFACES, surface_document, surface_routers

ROOT = "tests.integration.openapi_surfaces"


def doc(surface: str) -> dict[str, Any]:
    return surface_document(surface, root=ROOT)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_each_document_is_valid_openapi_3_1_with_the_seed_security_schemes(surface: str) -> None:
    # Given the stand-in routers / When the document is built
    document = doc(surface)
    # Then it validates as OpenAPI 3.1 and states the seed's schemes
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"] == SURFACES[surface].security_schemes
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(document)


def test_discovers_every_module_router_once_and_skips_modules_without_one() -> None:
    # views.py re-exports contacts' router under another name and has no ``router``: counted once
    assert len(surface_routers("spacego", ROOT)) == 1
    # orbapi's document also holds the admin package's routers
    assert len(surface_routers("orbapi", ROOT)) == 2


def test_a_surface_package_not_there_yet_gives_an_empty_valid_document() -> None:
    document = surface_document("spacego", root="tests.integration.no_such_package")
    validate(document)
    assert document["paths"] == {}
    assert "ProblemDescription" in document["components"]["schemas"]


def test_space_go_reads_like_its_reference() -> None:
    document = doc("spacego")
    assert document["info"]["title"] == "SSC Space Go API v1" and document["info"]["version"] == "0.3.0"
    # paths relative to the /api/v1 server, as in the seed's Quick Reference
    assert document["servers"] == [{"url": "/api/v1", "description": "Current Host"}]
    assert sorted(document["paths"]) == ["/contacts", "/contacts/{contact_id}"]
    get = document["paths"]["/contacts/{contact_id}"]["get"]
    assert get["security"] == [{"bearerAuth": ["contacts.view"]}, {"oAuth2": ["contacts.view"]}]
    assert get["description"].endswith("Required Scopes: contacts.view")
    assert sorted(get["responses"]) == ["200", "400", "401", "403", "404", "default"]
    problem = {"application/problem+json": {"schema": ref("ProblemDescription")}}
    for status in ("400", "401", "403", "404", "default"):
        assert get["responses"][status]["content"] == problem
    # the request body's validation is answered 400 with a problem, never FastAPI's 422
    post = document["paths"]["/contacts"]["post"]
    assert "422" not in post["responses"] and sorted(post["responses"]) == ["201", "400", "401", "403", "default"]
    assert post["responses"]["400"]["content"] == problem
    oauth = document["components"]["securitySchemes"]["oAuth2"]["flows"]["clientCredentials"]
    assert set(oauth["scopes"]) == {"contacts.view", "contacts.create", "contacts.cancel", "spacecraft.view",
                                    "sites.view", "tle.view", "tle.upload"}
    assert document["components"]["schemas"]["ProblemDescription"]["required"] == ["title", "detail", "trace_id"]


def test_orbapi_scopes_error_body_and_admin_endpoints() -> None:
    document = doc("orbapi")
    search = document["paths"]["/orbapi/passes/search"]["post"]
    assert search["security"] == [{"apiToken": ["passes:read"]}]
    assert search["responses"]["403"]["content"]["application/json"]["schema"] == ref("OrbapiError")
    assert "422" not in search["responses"]
    # query validation answers 400 with orbapi's body
    stations = document["paths"]["/orbapi/gs"]["get"]
    assert stations["security"] == [{"apiToken": []}]
    assert stations["responses"]["400"]["content"]["application/json"]["schema"] == ref("OrbapiError")
    # an authenticating dependency nested in another (the admin check) is found
    assert document["paths"]["/admin/api-tokens"]["get"]["security"] == [{"apiToken": []}]
    assert document["servers"] == [{"url": "/", "description": "Current Host"}]


def test_ssa_public_operations_and_its_validation_body() -> None:
    document = doc("ssa")
    login = document["paths"]["/auth/login"]["post"]
    assert login["security"] == []
    assert login["responses"]["422"]["content"]["application/json"]["schema"] == ref("SsaValidationError")
    assert login["responses"]["401"]["content"]["application/json"]["schema"] == ref("SsaError")
    latest = document["paths"]["/v1/news/latest"]["get"]
    assert latest["security"] == [{"bearerAuth": []}]
    assert latest["responses"]["422"]["content"]["application/json"]["schema"] == ref("SsaValidationError")
    assert {"SsaError", "SsaValidationError", "SsaValidationItem"} <= set(document["components"]["schemas"])


def test_pipeline_payload_validation_is_422_and_query_validation_400() -> None:
    document = doc("pipeline")
    retrieve = document["paths"]["/pipeline/pass-analysis/retrieve"]["post"]
    assert retrieve["security"] == [{"bearerAuth": ["pipeline.pass-analysis"]}]
    assert sorted(retrieve["responses"]) == ["200", "401", "413", "422", "424", "429", "503"]
    assert all("Retry-After" in retrieve["responses"][status]["headers"] for status in ("429", "503"))
    assert retrieve["responses"]["422"]["content"]["application/json"]["schema"] == ref("PipelineError")
    assert retrieve["responses"]["413"] == {"description": "Request body over 65536 bytes (64 KiB)",
                                            "content": {"application/json": {"schema": ref("PipelineError")}}}



def test_the_document_is_built_once_and_every_caller_gets_its_own_copy() -> None:
    first, second = doc("orbapi"), doc("orbapi")
    assert first == second and first is not second
    first["paths"].clear()
    assert doc("orbapi")["paths"]


def test_only_the_seed_tags_in_use_are_listed() -> None:
    assert doc("spacego")["tags"] == [{"name": "Scheduling"}]
    assert "tags" not in surface_document("spacego", root="tests.integration.no_such_package")
