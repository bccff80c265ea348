"""Seeds 003/004's asynchronous mechanics over the job records: initiate → check-status → retrieve, cursor
pages, the pipeline error body, and hierarchical permissions."""

import copy

import pytest
from fastapi.testclient import TestClient

import functions.pipeline_jobs.app as pipeline_app
from functions.jobs_worker.handler import handle
from shared.adapters.memory.jobs import RecordingStarter
from shared.wiring.jobs import build_jobs_service, jobs_service
from tests.integration.conftest import bearer

client = TestClient(pipeline_app.app, raise_server_exceptions=False)
OPS = bearer("ops-1", "pipeline")
BODY = {"ground_location": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]},
                            "properties": {}},
        "date": ["2026-04-17T00:00:00+00:00", "2026-04-17T06:00:00+00:00"], "time_resolution": 60,
        "min_elv_constraint": 10, "max_elv_constraint": 90, "norad_ids": [43013], "name": "p"}


@pytest.fixture
def runner(demo):
    starter = RecordingStarter()  # started jobs are run later, to see NEW first
    pipeline_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(starter=starter)
    yield starter.started
    pipeline_app.app.dependency_overrides.clear()


def test_initiate_check_status_retrieve(runner):
    r = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS)
    assert r.status_code == 200, r.text
    started = r.json()
    assert started["status"] == "NEW" and started["nextTry"] == 5 and runner == [started["pipelineId"]]
    ref = {"pipelineId": started["pipelineId"]}
    status = client.post("/tasking/check-status", json=ref, headers=OPS).json()
    assert status["status"] == "NEW" and status["pipelineId"] == started["pipelineId"]
    early = client.post("/pipeline/pass-analysis/retrieve", json=ref, headers=OPS)
    assert early.status_code == 409 and early.json()["error"] == "PIPELINE-NOT-PROCESSED"
    assert set(early.json()) == {"error", "errorMessage"}

    handle({"task_id": started["pipelineId"], "step": "run"})
    assert client.post("/tasking/check-status", json=ref, headers=OPS).json()["status"] == "RESOLVED"
    result = client.post("/pipeline/pass-analysis/retrieve", json=ref, headers=OPS).json()
    assert result["status"] == "RESOLVED" and result["Access_norad"] == [[1]] and result["norad_ids"] == [43013]


def test_initiate_beyond_the_bounds_is_422_in_the_pipeline_format_naming_the_bound(runner):
    body = {**copy.deepcopy(BODY), "norad_ids": list(range(10_000, 10_101))}
    r = client.post("/pipeline/pass-analysis/initiate", json=body, headers=OPS)
    assert r.status_code == 422
    assert r.json() == {"error": "UNPROCESSABLE-CONTENT",
                        "errorMessage": "field 'norad_ids': List should have at most 100 items after validation, "
                                        "not 101"}
    assert runner == []


def test_failed_pipeline_is_424_on_retrieve(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    cause = '{"errorMessage": "no element set stored for NORAD 43013", "errorType": "JobError"}'
    handle({"task_id": pid, "step": "fail", "error": {"Error": "JobError", "Cause": cause}})
    r = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=OPS)
    assert r.status_code == 424 and r.json() == {
        "error": "PIPELINE-FAILED", "errorMessage": f"pipeline {pid} failed: no element set stored for NORAD 43013"}


def test_a_failed_pipelines_reason_is_a_sentence_not_sdk_text(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    cause = ('{"errorMessage": "An error occurred (ThrottlingException) when calling the UpdateItem operation '
             '(reached max retries: 3)", "errorType": "ClientError"}')
    handle({"task_id": pid, "step": "fail", "error": {"Error": "ClientError", "Cause": cause}})
    r = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=OPS)
    assert r.status_code == 424 and r.json() == {
        "error": "PIPELINE-FAILED",
        "errorMessage": f"pipeline {pid} failed: the job could not read or store its data (the service was busy); "
                        "submit it again"}


def test_cursor_pagination(runner):
    owner = bearer("ops-pages", "pipeline")
    ids = [client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=owner).json()["pipelineId"]
           for _ in range(23)]
    first = client.post("/tasking/list", json={}, headers=owner).json()
    assert len(first["results"]) == 20 and first["cursor"]
    second = client.post("/tasking/list", json={"cursor": first["cursor"]}, headers=owner).json()
    assert len(second["results"]) == 3 and second["cursor"] is None
    assert {r["pipelineId"] for r in first["results"] + second["results"]} == set(ids)
    bad = client.post("/tasking/list", json={"cursor": "not-a-cursor"}, headers=owner)
    assert bad.status_code == 400 and bad.json()["error"] == "INVALID-CURSOR"


def test_errors_permissions_and_ownership(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    other = client.post("/tasking/check-status", json={"pipelineId": pid}, headers=bearer("ops-2", "pipeline"))
    assert other.status_code == 404 and other.json()["error"] == "NON-EXISTENT-PIPELINE"
    r = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=bearer("ops-1", "pipeline.tasking"))
    assert r.status_code == 401 and r.json() == {  # seed 003: 401 is "not sufficient rights"; 403 is for assets
        "error": "NOT-AUTHORIZED", "errorMessage": "the token does not grant the required permission "
                                                  "'pipeline.pass-analysis'"}
    assert client.post("/tasking/check-status", json={"pipelineId": pid},
                       headers=bearer("ops-1", "pipeline.tasking")).status_code == 200
    bad = copy.deepcopy(BODY)
    bad["time_resolution"] = 0
    r = client.post("/pipeline/pass-analysis/initiate", json=bad, headers=OPS)
    assert r.status_code == 422 and r.json()["error"] == "UNPROCESSABLE-CONTENT"
    assert "time_resolution" in r.json()["errorMessage"]
    r = client.post("/tasking/check-status", json={"pipelineId": pid})
    assert r.status_code == 401 and r.json()["error"] == "NOT-AUTHORIZED"


def test_a_job_started_with_a_login_token_records_the_owner_email_and_both_views_agree(runner):
    """A login token names the user (``user-<id>``) but carries no email: the job service looks it up, whichever
    surface started the job; the SSA routes then show the same job as the pipeline mechanics."""
    from datetime import UTC, datetime

    import functions.ssa_jobs.app as ssa_app
    from shared.adapters.dynamo.users import user_repository
    from shared.auth import issue_jwt
    from shared.domain.identity.accounts import User

    user = user_repository().create_user(User(id=0, email="grace@example.com", name="Grace", password_hash="x",
                                              date_joined=datetime(2026, 4, 1, tzinfo=UTC)))
    # shaped like POST /auth/login's access token (functions/ssa_auth), with the pipeline permission added
    login = {"Authorization": "Bearer " + issue_jwt(user.subject, ["ssa", "pipeline"], kind="user",
                                                    extra={"uid": user.id})}
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=login).json()["pipelineId"]
    handle({"task_id": pid, "step": "run"})

    ssa = TestClient(ssa_app.app, raise_server_exceptions=False)
    [entry] = ssa.get("/v1/query_history/", headers=login).json()["history"]
    assert (entry["task_id"], entry["user_id"], entry["user_email"]) == (pid, user.id, "grace@example.com")
    assert entry["type"] == "pass_analyzer" and entry["status"] == "completed"
    status = ssa.get(f"/v1/pass_analyzer_callback/{pid}/status/", headers=login).json()
    pipeline = client.post("/tasking/check-status", json={"pipelineId": pid}, headers=login).json()
    assert (pipeline["status"], status["status"]) == ("RESOLVED", "completed")
    assert (pipeline["createdAt"], pipeline["updatedAt"], pipeline["name"]) == (
        status["created_at"], status["updated_at"], status["name"])
    retrieved = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=login).json()
    # the same result; its element-set fields named in each surface's style (tleEpoch / tle_epoch)
    snake = {"tleEpoch": "tle_epoch", "tleAgeDays": "tle_age_days", "tleWarning": "tle_warning"}
    assert {snake.get(k, k): v for k, v in retrieved.items() if k not in ("pipelineId", "status")} \
        == status["result"]
    assert set(snake.values()) <= set(status["result"])


def test_retrieve_of_a_result_beyond_the_inline_limit_is_a_presigned_url(runner):
    pid = client.post("/pipeline/pass-analysis/initiate", json=BODY, headers=OPS).json()["pipelineId"]
    handle({"task_id": pid, "step": "run"})
    inline = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=OPS).json()
    assert inline["Access_norad"] == [[1]] and "resultUrl" not in inline
    pipeline_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(inline_limit_bytes=100)
    r = client.post("/pipeline/pass-analysis/retrieve", json={"pipelineId": pid}, headers=OPS)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"pipelineId", "status", "resultUrl"} and body["status"] == "RESOLVED"
    assert f"jobs/{pid}/result.json" in body["resultUrl"] and "Expires=" in body["resultUrl"]
    import requests

    full = requests.get(body["resultUrl"], timeout=10).json()
    assert full["Access_norad"] == [[1]] and full["tle_epoch"] == inline["tleEpoch"]
