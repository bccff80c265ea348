"""Request bodies are bounded before anything parses them, on every surface, in each surface's format:
413 beyond the surface's size limit, the surface's invalid-body answer beyond ``MAX_JSON_DEPTH`` levels of
nesting — never a 500 (a 20,000-deep array used to raise RecursionError)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_profiles.app import app as orbapi_app
from functions.pipeline_jobs.app import app as pipeline_app
from functions.spacego_contacts.app import app as spacego_app
from functions.ssa_auth.app import app as ssa_auth_app
from functions.ssa_news.app import app as ssa_app
from shared.http import DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH, create_app, json_depth, nests_deeper_than
from tests.integration.conftest import bearer

TOKEN = bearer("user-1", "ssa pipeline contacts mission-profile")
JSON = TOKEN | {"content-type": "application/json"}
DEEP = b"[" * 20_000 + b"]" * 20_000
LIMIT_1MIB = f"request body exceeds the limit of {DEFAULT_MAX_BODY_BYTES} bytes"
TOO_DEEP = f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)"


def client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def big(n_bytes: int) -> bytes:
    return json.dumps({"search_terms": ["x" * n_bytes]}).encode()


# --- the depth scan -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "depth"), [
    (b"", 0), (b"1", 0), (b"[]", 1), (b'{"a": [[1], {"b": []}]}', 4),
    (b'{"a": "[[[[{{{{"}', 1),  # brackets inside strings are text
    (b'["\\"[[[", "\\\\", [1]]', 2),  # escaped quotes and backslashes end strings where JSON says
    (b'["\\\\\\"[[", [1]]', 2), (b'["\\\\", "[[[["]', 1),  # an escaped backslash, then an escaped quote
    (b'["abc[[[[', 1),  # an unterminated string runs to the end
    (b"[]]]][[", 1),  # a parser stops at the stray bracket: what follows it is never nested into
    (DEEP, 20_000),
])
def test_json_depth(body, depth):
    assert json_depth(body) == depth


@pytest.mark.parametrize("body", [
    b'"' + b'\\"' * 400_000,  # escaped quotes only, unterminated: a backtracking regex took minutes on 40 kB
    b'"' * (1024 * 1024), b"[]" * 500_000, b"[" * (1024 * 1024),
])
def test_the_scan_stays_linear_on_hostile_bodies(body):
    started = time.perf_counter()
    json_depth(body)
    assert time.perf_counter() - started < 3.0  # about 0.3 s on a busy 2-core machine


def test_a_body_with_few_brackets_is_not_scanned():
    assert not nests_deeper_than(b"[" * MAX_JSON_DEPTH, MAX_JSON_DEPTH)
    assert nests_deeper_than(b"[" * (MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)


# --- nesting depth, per surface -------------------------------------------------------------------------
def test_ssa_deep_json_on_advanced_news_search_is_a_422_validation_list():
    r = client(ssa_app).post("/v1/news/search/advanced", content=DEEP, headers=JSON)
    assert r.status_code == 422
    assert r.json() == {"detail": [{"loc": ["body"], "msg": TOO_DEEP, "type": "value_error"}]}
    assert r.headers["x-request-id"]


def test_ssa_deep_json_is_refused_before_authentication_and_routing():
    # the bound holds for every route of the app, token or not (the body is never parsed)
    r = client(ssa_auth_app).post("/auth/login", content=DEEP, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["msg"] == TOO_DEEP


def test_pipeline_deep_json_is_422_unprocessable_content():
    r = client(pipeline_app).post("/pipeline/pass-analysis/initiate", content=DEEP, headers=JSON)
    assert r.status_code == 422
    assert r.json() == {"error": "UNPROCESSABLE-CONTENT", "errorMessage": f"request body: {TOO_DEEP}"}


def test_spacego_deep_json_is_400_problem_json():
    r = client(spacego_app).post("/api/v1/contacts", content=DEEP, headers=JSON)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert (body["title"], body["detail"]) == ("Bad Request", f"request body: {TOO_DEEP}")
    assert body["trace_id"] == r.headers["x-request-id"]


def test_orbapi_deep_json_is_400():
    r = client(orbapi_app).post("/orbapi/mission-profile/25544", content=DEEP, headers=JSON)
    assert r.status_code == 400 and r.json() == {"error": f"request body: {TOO_DEEP}"}


def test_a_body_just_within_the_depth_bound_reaches_the_route():
    body = json.dumps({"search_terms": ["moon"], "source": [[[[[[[[[[[["x"]]]]]]]]]]]]}).encode()
    r = client(ssa_app).post("/v1/news/search/advanced", content=body, headers=JSON)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "source"]  # the route's own check


def test_brackets_of_a_form_body_are_not_nesting():
    app = create_app("ssa", "form")

    @app.post("/form")
    async def form() -> dict[str, str]:
        return {"ok": "yes"}

    r = client(app).post("/form", content=b"q=" + b"[" * 100,
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and r.json() == {"ok": "yes"}


# --- size, per surface ----------------------------------------------------------------------------------
def test_ssa_body_over_1_mib_is_413():
    r = client(ssa_app).post("/v1/news/search/advanced", content=big(DEFAULT_MAX_BODY_BYTES), headers=JSON)
    assert r.status_code == 413 and r.json() == {"detail": LIMIT_1MIB, "status_code": 413}


def test_pipeline_body_over_64_kib_is_413_payload_too_large():
    r = client(pipeline_app).post("/pipeline/pass-analysis/initiate", content=big(64 * 1024), headers=JSON)
    assert r.status_code == 413
    assert r.json() == {"error": "PAYLOAD-TOO-LARGE", "errorMessage": "request body exceeds the limit of 65536 bytes"}


def test_spacego_and_orbapi_bodies_over_1_mib_are_413_in_their_formats():
    r = client(spacego_app).post("/api/v1/contacts", content=big(DEFAULT_MAX_BODY_BYTES), headers=JSON)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert (r.json()["title"], r.json()["detail"]) == ("Request Entity Too Large", LIMIT_1MIB)
    r = client(orbapi_app).post("/orbapi/mission-profile/25544", content=big(DEFAULT_MAX_BODY_BYTES), headers=JSON)
    assert r.status_code == 413 and r.json() == {"error": LIMIT_1MIB}


def test_a_streamed_body_without_content_length_is_cut_off_at_the_limit():
    """A chunked upload declares no length: reading stops at the first byte past the limit."""
    app = create_app("ssa", "stream", max_body_bytes=1000)
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 400, "more_body": True}  # never ends

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/anything", "raw_path": b"/anything", "query_string": b"",
             "headers": [(b"content-type", b"application/json")], "http_version": "1.1", "scheme": "http",
             "server": ("test", 80), "client": ("test", 1), "root_path": ""}
    asyncio.run(app(scope, receive, send))
    assert reads == 3 and sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"detail": "request body exceeds the limit of 1000 bytes", "status_code": 413}
