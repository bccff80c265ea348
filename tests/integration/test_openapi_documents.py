"""Every operation of every seed appears in its surface's OpenAPI document with the seed's status codes.

The contract tables below are extracted from the seeds (the API references Groundlink implements), one per
seed, with where each status comes from; ``test_contract_tables_are_what_the_seeds_say`` re-reads the seed texts
(when they are beside the repository, or where ``GROUNDLINK_SEEDS_DIR`` points) and checks the tables against
them, so a table cannot drift from its seed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from shared.surfaces.openapi import ERROR_MODELS, SURFACES, surface_document

ROOT = Path(__file__).resolve().parents[2]
Operation = tuple[str, str]  # (method, path as the seed writes it, {param} style)
SUCCESS = "2xx"  # any success status (seed 001 names none per operation)

# Seed 000, Space Go (base URL /api/v1): each operation's "Responses" table, including "default Unexpected error".
_SG = ("400", "401", "403", "default")
SPACEGO: dict[Operation, set[str]] = {
    ("GET", "/contacts"): {"200", *_SG},
    ("POST", "/contacts"): {"201", *_SG},
    ("GET", "/contacts/availability"): {"200", *_SG},
    ("GET", "/contacts/{contact_id}"): {"200", "404", *_SG},
    ("DELETE", "/contacts/{contact_id}"): {"204", *_SG},
    ("GET", "/post-contact-reports/{contact_id}"): {"200", "404", *_SG},
    ("GET", "/spacecraft"): {"200", *_SG},
    ("GET", "/spacecraft/{spacecraft_id}"): {"200", "404", *_SG},
    ("GET", "/spacecraft/{spacecraft_id}/tle"): {"200", "404", *_SG},
    ("POST", "/spacecraft/{spacecraft_id}/tle"): {"201", *_SG},
    ("GET", "/spacecraft/{spacecraft_id}/service-types/{service_type}/services"): {"200", "404", *_SG},
    ("GET", "/spacecraft/{spacecraft_id}/service-types/{service_type}/services/{service_id}"): {"200", "404", *_SG},
    ("GET", "/sites"): {"200", *_SG},
    ("GET", "/sites/{site_id}"): {"200", "404", *_SG},
}

# Seed 001, orbapi: no per-operation status table, only the common codes. Each operation must state a success,
# 401 where it shows "Authorization: Bearer dsn_live_..." (missing or invalid token), 403 where it names a
# "Required scope" (token without the scope) and 400 where it documents a request body ("Invalid request").
ORBAPI: dict[Operation, set[str]] = {
    ("POST", "/orbapi/passes/search"): {SUCCESS, "400", "401", "403"},
    ("POST", "/orbapi/bookings"): {SUCCESS, "400", "401", "403"},
    ("GET", "/orbapi/bookings"): {SUCCESS, "401"},
    ("DELETE", "/orbapi/bookings/{bookingId}"): {SUCCESS, "401", "403"},
    ("POST", "/orbapi/satellites/id/{noradId}/profiles"): {SUCCESS, "400", "401", "403"},
    ("GET", "/orbapi/satellites/id/{noradId}/profiles"): {SUCCESS, "401"},
    ("GET", "/orbapi/satellites/profiles/{profileId}"): {SUCCESS, "401"},
    ("DELETE", "/orbapi/satellites/profiles/{profileId}"): {SUCCESS, "401"},
    ("POST", "/orbapi/bookings/{bookingId}/uplink-files"): {SUCCESS, "400", "401", "403"},
    ("GET", "/orbapi/bookings/{bookingId}/uplink-files"): {SUCCESS, "401"},
    ("GET", "/orbapi/bookings/{bookingId}/downlink-files"): {SUCCESS, "401"},
    ("GET", "/orbapi/satellites"): {SUCCESS},
    ("GET", "/orbapi/satellites/id/{noradId}"): {SUCCESS},
    ("GET", "/orbapi/satellites/name/{name}"): {SUCCESS},
    ("GET", "/orbapi/tles"): {SUCCESS},
    ("GET", "/orbapi/tles/id/{noradId}"): {SUCCESS},
    ("GET", "/orbapi/tles/name/{name}"): {SUCCESS},
    ("GET", "/orbapi/gs"): {SUCCESS},
    ("GET", "/orbapi/gs/id/{id}"): {SUCCESS},
    ("GET", "/orbapi/gs/id/{id}/status"): {SUCCESS},
    ("GET", "/orbapi/gs/description/{description}"): {SUCCESS},
    ("GET", "/orbapi/transmitters"): {SUCCESS},
    ("GET", "/orbapi/transmitters/id/{noradCatId}"): {SUCCESS},
    ("GET", "/orbapi/transmitters/uuid/{uuid}"): {SUCCESS},
    ("GET", "/orbapi/transmitters/mode/{modeId}"): {SUCCESS},
    ("GET", "/orbapi/transmitters/id/{noradCatId}/mode/{modeId}"): {SUCCESS},
    ("GET", "/orbapi/transmitters/gs/{gsId}"): {SUCCESS},
    ("GET", "/orbapi/transmitters/gs/{gsId}/mode/{modeId}"): {SUCCESS},
}

# Seed 002, SSA backend: each "Endpoint:" with its "Response (NNN ...)" (200 where none is written), its
# "Error Responses" and 401 where it says "Authentication: Required (JWT Bearer Token)".
SSA: dict[Operation, set[str]] = {
    ("GET", "/"): {"200", "401"},
    ("GET", "/health"): {"200", "401"},
    ("GET", "/metrics"): {"200"},
    ("GET", "/debug/active-users"): {"200", "401"},
    ("POST", "/auth/register"): {"201", "400", "409", "422"},
    ("POST", "/auth/login"): {"200", "401", "422"},
    ("POST", "/auth/refresh"): {"200", "401", "422"},
    ("POST", "/v1/pass_analyzer/"): {"200", "400", "401", "422"},
    ("POST", "/v1/manuaver/"): {"200", "401"},
    ("GET", "/v1/query_history/"): {"200", "401"},
    ("GET", "/v1/query_history/{history_id}"): {"200", "401"},
    ("PUT", "/v1/query_history/alert"): {"200", "401", "404", "422"},
    ("GET", "/v1/pass_analyzer_callback/{task_id}/status/"): {"200", "401", "404"},
    ("POST", "/v1/norad_db"): {"200", "401"},
    ("POST", "/v1/get_current_position"): {"200", "401"},
    ("POST", "/v1/get_constellation"): {"200", "401"},
    ("POST", "/v1/get_detailed_purpose"): {"200", "401"},
    ("POST", "/v1/get_satellite_types"): {"200", "401"},
    ("POST", "/v1/search"): {"200", "401"},
    ("GET", "/v1/satellites/"): {"200", "401"},
    ("GET", "/v1/news/latest"): {"200", "401"},
    ("GET", "/v1/news/timerange"): {"200", "401"},
    ("GET", "/v1/news/search"): {"200", "401"},
    ("POST", "/v1/news/search/advanced"): {"200", "401"},
}
# Seed 002 also describes the alert update addressed by its "history_id" path parameter (under "Update Query
# History Alert", without an "Endpoint:" line of its own); the error responses listed after it apply to it.
SSA_UNLISTED: dict[Operation, set[str]] = {
    ("PUT", "/v1/query_history/{history_id}/alert"): {"200", "401", "404", "422"},
}

# Seeds 003/004, pipeline mechanics: every asynchronous API has ".../initiate" and ".../retrieve" (424 for a
# failed pipeline), and the Tasking API's "/check-status"; "JWT ... for authorization of every request" (401).
# The seeds name no concrete paths, so these match any operation whose path ends so (at least one each).
PIPELINE_SUFFIXES: dict[Operation, set[str]] = {
    ("POST", "/initiate"): {"200", "401"},
    ("POST", "/retrieve"): {"200", "401", "424"},
    ("POST", "/check-status"): {"200", "401"},
}

BASES = {"spacego": "/api/v1", "orbapi": "", "ssa": "", "pipeline": ""}
CONTRACTS: dict[str, dict[Operation, set[str]]] = {
    "spacego": SPACEGO,
    "orbapi": ORBAPI,
    "ssa": {**SSA, **SSA_UNLISTED},
}


def _shape(path: str) -> str:
    """A path compared by shape: parameters unnamed, no trailing slash (API Gateway serves both spellings)."""
    path = re.sub(r"\{[^}]+\}", "{}", path)
    return path.rstrip("/") or "/"


def _operations(document: dict[str, Any]) -> dict[Operation, set[str]]:
    """(method, full path shape) -> documented statuses of every operation of a document."""
    server = document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
    out: dict[Operation, set[str]] = {}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                out[(method.upper(), _shape(server + path))] = set(operation.get("responses", {}))
    return out


def _lacking(required: set[str], documented: set[str]) -> list[str]:
    lacking = sorted(s for s in required - documented if s != SUCCESS)
    if SUCCESS in required and not any(s.startswith("2") for s in documented):
        lacking.insert(0, SUCCESS)
    return lacking


def missing_from_documents() -> list[str]:
    """One line per seed operation absent from its surface's document or lacking seed statuses."""
    problems: list[str] = []
    for surface, contract in CONTRACTS.items():
        documented = _operations(surface_document(surface))
        for (method, path), statuses in contract.items():
            found = documented.get((method, _shape(BASES[surface] + path)))
            if found is None:
                problems.append(f"{surface}: {method} {BASES[surface]}{path} is not in the document")
            elif lacking := _lacking(statuses, found):
                problems.append(f"{surface}: {method} {BASES[surface]}{path} lacks {', '.join(lacking)}")
    documented = _operations(surface_document("pipeline"))
    for (method, suffix), statuses in PIPELINE_SUFFIXES.items():
        matches = {path: found for (m, path), found in documented.items() if m == method and path.endswith(suffix)}
        if not matches:
            problems.append(f"pipeline: no {method} .../{suffix.lstrip('/')} operation in the document")
        for path, found in sorted(matches.items()):
            if lacking := _lacking(statuses, found):
                problems.append(f"pipeline: {method} {path} lacks {', '.join(lacking)}")
    return problems


def test_every_seed_operation_is_documented_with_the_seed_statuses() -> None:
    problems = missing_from_documents()
    assert not problems, f"{len(problems)} seed operations missing or incomplete:\n" + "\n".join(problems)


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_each_document_is_openapi_3_1_with_security_schemes_and_error_bodies(surface: str) -> None:
    document = surface_document(surface)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"] == SURFACES[surface].security_schemes
    assert ERROR_MODELS[surface].__name__ in document["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(document)  # Groundlink never sends FastAPI's 422 body


def test_security_schemes_are_the_seeds() -> None:
    spacego = surface_document("spacego")["components"]["securitySchemes"]
    assert spacego["bearerAuth"] == {**spacego["bearerAuth"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    flow = spacego["oAuth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth2/token"  # Groundlink's own token endpoint (RFC 6749 §4.4)
    assert set(flow["scopes"]) == {"contacts.view", "contacts.create", "contacts.cancel", "spacecraft.view",
                                   "sites.view", "tle.view", "tle.upload"}
    api_token = surface_document("orbapi")["components"]["securitySchemes"]["apiToken"]
    assert api_token["scheme"] == "bearer" and "dsn_live_" in api_token["bearerFormat"]
    for scope in ("passes:read", "bookings:create", "bookings:cancel", "mission-profile:create"):
        assert scope in api_token["description"]
    ssa = surface_document("ssa")["components"]["securitySchemes"]["bearerAuth"]
    assert ssa["bearerFormat"] == "JWT" and "/auth/login" in ssa["description"]
    assert surface_document("pipeline")["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"] == "JWT"


# --- the tables against the seed texts -------------------------------------------------------------------

_METHOD = r"(GET|POST|PUT|PATCH|DELETE)"


def _seeds_dir() -> Path | None:
    candidates = [os.environ.get("GROUNDLINK_SEEDS_DIR"), ROOT.parent / "shared" / "seeds"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir() and list(Path(candidate).glob("000_*.txt")):
            return Path(candidate)
    return None


def _seed_text(number: str) -> str:
    folder = _seeds_dir()
    if folder is None:
        pytest.skip("the seed texts are not available (set GROUNDLINK_SEEDS_DIR)")
    (path,) = folder.glob(f"{number}_*.txt")
    return path.read_text()


def _sections(text: str, header: Any) -> list[tuple[Operation, list[str]]]:
    lines = [line.strip() for line in text.splitlines()]
    out: list[tuple[Operation, list[str]]] = []
    for i, line in enumerate(lines):
        previous = next((p for p in reversed(lines[:i]) if p), "")
        operation = header(line, previous)
        if operation:
            out.append((operation, []))
        elif out:
            out[-1][1].append(line)
    return out


def parse_spacego(text: str) -> dict[Operation, set[str]]:
    """Seed 000: an operation is a line ``METHOD /path``; its statuses are its Responses table's rows."""

    def header(line: str, previous: str) -> Operation | None:
        m = re.fullmatch(_METHOD + r" (/[\w\-{}/]*)", line)
        return (m.group(1), m.group(2)) if m else None

    ops: dict[Operation, set[str]] = {}
    for operation, body in _sections(text, header):
        statuses = ops.setdefault(operation, set())
        statuses.update(m.group(1) for line in body if (m := re.match(r"(\d{3}|default) [A-Z]", line)))
    return ops


def parse_orbapi(text: str) -> dict[Operation, set[str]]:
    """Seed 001: an operation is a line ``METHOD /orbapi/...`` (not an "Example:"), ``:param`` path style."""

    def header(line: str, previous: str) -> Operation | None:
        m = re.fullmatch(_METHOD + r" (/orbapi/[\w\-:/]*)", line)
        if not m or previous == "Example:":
            return None
        return m.group(1), re.sub(r":(\w+)", r"{\1}", m.group(2))

    ops: dict[Operation, set[str]] = {}
    for operation, body in _sections(text, header):
        statuses = {SUCCESS}
        if any(line.startswith("Authorization: Bearer dsn_live_") for line in body):
            statuses.add("401")
        if "Required scope:" in body:
            statuses.add("403")
        if "Request:" in body or "Request fields:" in body:
            statuses.add("400")
        ops.setdefault(operation, set()).update(statuses)
    return ops


def parse_ssa(text: str) -> dict[Operation, set[str]]:
    """Seed 002: an operation is ``Endpoint: METHOD /path`` (the closing "Error Handling" section is common)."""
    text = text.split("\nError Handling\n", 1)[0]

    def header(line: str, previous: str) -> Operation | None:
        m = re.fullmatch(r"Endpoint: " + _METHOD + r" (/\S*)", line)
        return (m.group(1), m.group(2)) if m else None

    ops: dict[Operation, set[str]] = {}
    for operation, body in _sections(text, header):
        statuses = {m.group(1) for line in body if (m := re.fullmatch(r"Response \((\d{3}) [^)]*\):", line))}
        statuses |= {m.group(1) for line in body if (m := re.match(r"- (\d{3}) [A-Z]", line))}
        if "Authentication: Required (JWT Bearer Token)" in body:
            statuses.add("401")
        if not any(s.startswith("2") for s in statuses):
            statuses.add("200")
        ops.setdefault(operation, set()).update(statuses)
    return ops


@pytest.mark.parametrize(("number", "parse", "table"), [
    ("000", parse_spacego, SPACEGO),
    ("001", parse_orbapi, ORBAPI),
    ("002", parse_ssa, SSA),
])
def test_contract_tables_are_what_the_seeds_say(number: str, parse: Any, table: dict[Operation, set[str]]) -> None:
    assert parse(_seed_text(number)) == table


def test_the_unlisted_ssa_alert_update_is_described_in_seed_002() -> None:
    text = _seed_text("002")
    section = text.split("Update Query History Alert", 1)[1].split("Task Status", 1)[0]
    assert "Path Parameters:" in section and "history_id (Required)" in section
    assert all(f"- {status} " in section for status in ("404", "401", "422"))


def test_the_pipeline_seeds_name_initiate_retrieve_check_status_and_424() -> None:
    text = _seed_text("003")
    assert "POST /.../initiate" in text and "POST /.../retrieve" in text and "/check-status" in text
    assert "responded with a status code 424" in text


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_body_operations_document_the_body_limit_in_the_surface_format() -> None:
    ssa = surface_document("ssa")["paths"]
    assert ssa["/v1/news/search/advanced"]["post"]["responses"]["413"] == {
        "description": "Request body over 1048576 bytes (1024 KiB)",
        "content": {"application/json": {"schema": _ref("SsaError")}}}
    assert "413" not in ssa["/v1/satellites/"]["get"]["responses"]
    orbapi = surface_document("orbapi")["paths"]["/orbapi/bookings"]["post"]["responses"]
    assert orbapi["413"]["content"] == {"application/json": {"schema": _ref("OrbapiError")}}
    pipeline = surface_document("pipeline")["paths"]["/pipeline/pass-analysis/initiate"]["post"]["responses"]
    assert pipeline["413"]["description"] == "Request body over 65536 bytes (64 KiB)"


def test_ssa_documents_the_ssa_permission_and_the_seed_success_format() -> None:
    ssa = surface_document("ssa")["paths"]
    for path, item in ssa.items():
        for method, operation in item.items():
            if path.startswith("/v1/"):
                assert operation["security"] == [{"bearerAuth": ["ssa"]}], (method, path)
                assert operation["responses"]["403"]["content"] == {
                    "application/json": {"schema": _ref("SsaError")}}, (method, path)
    schemas = surface_document("ssa")["components"]["schemas"]
    constellation = ssa["/v1/get_constellation"]["post"]["responses"]["200"]["content"]["application/json"]
    distinct = schemas[constellation["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(distinct["required"]) == {"data", "message"} and distinct["properties"]["status"]["const"] == "success"
    maneuver = schemas["ManeuverDetection"]["properties"]
    assert {"analysed_until", "message"} <= set(maneuver)


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_schema_has_one_plain_name(surface: str) -> None:
    """Two models of one name in a surface would be published under module paths (``shared__surfaces__…``)
    or as ``-Input``/``-Output`` twins: each schema a client reads is named once, as in the seed."""
    names = list(surface_document(surface)["components"]["schemas"])
    assert [n for n in names if "__" in n or n.endswith(("-Input", "-Output"))] == []
