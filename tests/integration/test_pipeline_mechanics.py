"""Seeds 003/004's API mechanics on the pipeline surface, in its ``{"error", "errorMessage"}`` format:
unknown paths (404 NON-EXISTENT-ENDPOINT), wrong methods (405 METHOD-NOT-ALLOWED with Allow) and OPTIONS,
the 64 KiB payload limit (413 before parsing), 401 for a missing permission, the failed pipeline's own code
on 424, ``/tasking/get-status`` beside ``/tasking/check-status``, and a pipeline's own permission covering
its status checks."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import functions.pipeline_jobs.app as pipeline_app
from functions.jobs_worker.handler import handle
from infra.local.gateway import LocalGateway
from shared.adapters.memory.jobs import RecordingStarter
from shared.domain.jobs.analysis.coverage import MAX_POINTS
from shared.domain.jobs.models import JobError
from shared.http import MAX_BODY_BYTES as LIMITS
from shared.wiring.jobs import build_jobs_service, jobs_service
from tests.integration.conftest import bearer
from tests.integration.test_pipeline_jobs import BODY, OPS, client

MAX_BODY_BYTES = LIMITS["pipeline"]
PASS_ANALYSIS = bearer("ops-1", "pipeline.pass-analysis")


@pytest.fixture
def runner(demo) -> Iterator[list[str]]:
    """The ids of the pipelines started (run later by the tests that need them)."""
    starter = RecordingStarter()
    pipeline_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(starter=starter)
    yield starter.started
    pipeline_app.app.dependency_overrides.clear()


def error(code: str, message: str) -> dict[str, str]:
    return {"error": code, "errorMessage": message}


# -- 404, 405, OPTIONS ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/pipeline/pass-analysis/nope", "/tasking/nope", "/pipeline/nope/initiate"])
def test_an_unknown_path_is_non_existent_endpoint(path):
    r = client.post(path, json={}, headers=OPS)
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-ENDPOINT", f"no endpoint POST {path}")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_a_wrong_method_is_405_with_allow(method):
    r = client.request(method, "/tasking/check-status", headers=OPS)
    assert r.status_code == 405 and r.headers["allow"] == "POST, OPTIONS"
    assert r.json() == error("METHOD-NOT-ALLOWED", f"{method} is not allowed on /tasking/check-status; "
                                                   "use POST, OPTIONS")


def test_options_answers_the_supported_methods():
    r = client.options("/pipeline/pass-analysis/initiate")
    assert r.status_code == 204 and r.headers["allow"] == "POST, OPTIONS" and r.content == b""
    r = client.options("/pipeline/nope")
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-ENDPOINT", "no endpoint OPTIONS /pipeline/nope")


def test_a_trailing_slash_still_redirects_to_the_route():
    r = client.post("/tasking/check-status/", json={"pipelineId": "x"}, headers=OPS, follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith("/tasking/check-status")


@pytest.fixture
def gateway(demo) -> Iterator[TestClient]:
    yield TestClient(LocalGateway(), raise_server_exceptions=False)


def test_the_local_gateway_sends_every_pipeline_path_to_the_pipeline_function(gateway):
    """The spec's ``ANY /pipeline/{proxy+}`` and ``ANY /tasking/{proxy+}`` (API Gateway's routes too) bring
    unknown paths and wrong methods to the function; the bare prefixes get the surface's body as well."""
    r = gateway.get("/tasking/nope", headers=OPS)
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-ENDPOINT", "no endpoint GET /tasking/nope")
    r = gateway.get("/pipeline/pass-analysis/retrieve", headers=OPS)
    assert r.status_code == 405 and r.headers["allow"] == "POST, OPTIONS"
    assert r.json()["error"] == "METHOD-NOT-ALLOWED"
    r = gateway.post("/pipeline", json={}, headers=OPS)
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-ENDPOINT", "no endpoint POST /pipeline")
    assert gateway.get("/pipeline/openapi.json").json()["info"]["title"]  # more specific routes still win
    assert gateway.post("/tasking/list", json={}, headers=OPS).json() == {"results": [], "cursor": None}


# -- 413 ------------------------------------------------------------------------------------------------------
TOO_LARGE = error("PAYLOAD-TOO-LARGE", "request body exceeds the limit of 65536 bytes")


def test_a_body_over_64_kib_is_413_before_parsing(runner):
    big = b"{" + b" " * MAX_BODY_BYTES + b"}"  # not even a valid body: never parsed
    r = client.post("/pipeline/pass-analysis/initiate", content=big, headers=OPS)
    assert r.status_code == 413 and r.json() == TOO_LARGE and runner == []
    padded = copy.deepcopy(BODY)
    padded["name"] = "p"
    padded["ground_location"]["properties"] = {"pad": "x" * MAX_BODY_BYTES}
    r = client.post("/tasking/check-status", json=padded, headers=OPS)
    assert r.status_code == 413 and r.json() == TOO_LARGE


def test_a_streamed_body_without_length_is_bounded_too(runner):
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b" " * (MAX_BODY_BYTES // 4)

    r = client.post("/pipeline/pass-analysis/initiate", content=chunks(), headers=OPS)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413 and r.json() == TOO_LARGE and runner == []


def test_a_body_of_exactly_64_kib_is_parsed(runner):
    body = b'{"pipelineId": "x"}'
    body = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    r = client.post("/tasking/check-status", content=body, headers={**OPS, "content-type": "application/json"})
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-PIPELINE", "pipeline x does not exist")


# -- 401 ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "permission"), [
    ("/pipeline/pass-analysis/initiate", "pipeline.pass-analysis"),
    ("/pipeline/pass-analysis/retrieve", "pipeline.pass-analysis"),
    ("/tasking/list", "pipeline.tasking"),
    ("/tasking/check-status", "pipeline.tasking"),
    ("/tasking/get-status", "pipeline.tasking"),
])
def test_a_missing_permission_is_401_not_authorized(runner, path, permission):
    body = BODY if path.endswith("initiate") else {"pipelineId": "x"}
    r = client.post(path, json=body, headers=bearer("ops-1", "ssa passes:read"))
    assert r.status_code == 401 and r.json() == error(
        "NOT-AUTHORIZED", f"the token does not grant the required permission '{permission}'")


# -- 424 and 422 with the specific code ---------------------------------------------------------------------
def test_a_failed_pipeline_answers_the_code_recorded_on_it(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    worker = build_jobs_service()

    class NoElementSets:  # the satellite's element set is gone by the time the worker runs
        def get_satellite(self, norad_id: int) -> None:
            return None

        def current_element_sets(self, norad_ids: list[int]) -> dict[int, object]:
            return {}

    worker.catalog = NoElementSets()  # type: ignore[assignment]
    with pytest.raises(JobError, match="no element set stored for NORAD 43013"):
        worker.run(pid, "exec-1")
    handle({"task_id": pid, "step": "fail", "error": {"Error": "AnalysisError", "Cause": "late"}})  # the Catch
    r = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=OPS)
    assert r.status_code == 424 and r.json() == error(
        "NO-ELEMENT-SET", f"pipeline {pid} failed: no element set stored for NORAD 43013")
    status = client.post("/tasking/get-status", json={"pipelineId": pid}, headers=OPS).json()
    assert status["status"] == "FAILED" and "nextTry" not in status


def _with_geometry(kind: str, coordinates: object) -> dict[str, object]:
    body = copy.deepcopy(BODY)
    body["ground_location"]["geometry"] = {"type": kind, "coordinates": coordinates}
    return body


@pytest.mark.parametrize(("geometry", "expected"), [
    (("Polygon", [[[0, 0], [1, 1], [2, 2], [0, 0]]]),
     error("EXTENT-TOO-SMALL", "ground_location: the polygon has no area: no ground point lies inside it")),
    (("LineString", [[i * 0.01, 0.0] for i in range(MAX_POINTS + 1)]),
     error("EXTENT-TOO-LARGE", f"ground_location: the line has {MAX_POINTS + 1} points; at most {MAX_POINTS} "
                               "are analysed")),
])
def test_an_extent_out_of_bounds_is_422_with_its_code(runner, geometry, expected):
    r = client.post("/pipeline/pass-analysis/initiate", json=_with_geometry(*geometry), headers=OPS)
    assert r.status_code == 422 and r.json() == expected and runner == []


# -- get-status, and the pipeline's own permission -----------------------------------------------------------
def test_get_status_answers_as_check_status(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    ref = {"pipelineId": pid}
    got = client.post("/tasking/get-status", json=ref, headers=OPS)
    assert got.status_code == 200 and got.json() == client.post("/tasking/check-status", json=ref, headers=OPS).json()
    assert got.json()["status"] == "NEW" and got.json()["nextTry"] == 5
    handle({"task_id": pid, "step": "run"})
    done = client.post("/tasking/get-status", json=ref, headers=OPS).json()
    assert done["status"] == "RESOLVED" and "nextTry" not in done
    r = client.post("/tasking/get-status", json={"pipelineId": "nope"}, headers=OPS)
    assert r.status_code == 404 and r.json() == error("NON-EXISTENT-PIPELINE", "pipeline nope does not exist")


def test_the_pass_analysis_permission_covers_its_status_checks(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=PASS_ANALYSIS).json()["pipelineId"]
    for path in ("/tasking/check-status", "/tasking/get-status"):
        r = client.post(path, json={"pipelineId": pid}, headers=PASS_ANALYSIS)
        assert r.status_code == 200 and r.json()["pipelineId"] == pid and r.json()["status"] == "NEW"
    r = client.post("/tasking/list", json={}, headers=PASS_ANALYSIS)  # listing stays the Tasking API's
    assert r.status_code == 401 and r.json()["error"] == "NOT-AUTHORIZED"
    other = client.post("/tasking/check-status", json={"pipelineId": pid},
                        headers=bearer("ops-2", "pipeline.pass-analysis"))
    assert other.status_code == 404 and other.json()["error"] == "NON-EXISTENT-PIPELINE"


def test_a_pass_analysis_token_does_not_cover_another_kind_of_pipeline(runner):
    from shared.domain.identity import Principal
    from shared.domain.jobs.models import ManeuverRequest

    service = build_jobs_service()
    today = service.clock.now().date()
    job = service.detect_maneuvers(ManeuverRequest(norad_ids=[43013], start_date=today, end_date=today),
                                   Principal("ops-1", ("ssa",)))  # a maneuver job of the same owner
    r = client.post("/tasking/check-status", json={"pipelineId": job.task_id}, headers=PASS_ANALYSIS)
    assert r.status_code == 401 and r.json() == error(
        "NOT-AUTHORIZED", "the token does not grant the required permission 'pipeline.tasking'")
    assert client.post("/tasking/check-status", json={"pipelineId": job.task_id}, headers=OPS).status_code == 200


def test_the_openapi_document_shows_get_status_401_and_413_and_hides_the_fallback():
    from shared.surfaces.openapi import surface_document

    paths = surface_document("pipeline")["paths"]
    get_status = paths["/tasking/get-status"]["post"]
    assert set(get_status["responses"]) == {"200", "401", "404", "413", "422", "429", "503"}
    assert get_status["security"] == [{"bearerAuth": ["pipeline.tasking"]}]
    assert "pipeline.pass-analysis" in get_status["description"]
    initiate = paths["/pipeline/pass-analysis/initiate"]["post"]
    assert set(initiate["responses"]) == {"200", "401", "413", "422", "429", "503"}
    assert not any("403" in op["responses"] for item in paths.values() for op in item.values())
    assert not any("{rest" in path for path in paths)
