"""End to end over the local runtime: an SSA user registers and logs in, submits a pass analysis, the jobs state
machine (the definition the CDK app deploys, executed by the embedded AWS) runs the worker, the task status
reaches ``completed`` with the result and the query history lists the job. Also: the gateway serves a route with
a trailing slash as API Gateway does."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.e2e.runtime import call

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]}, "properties": {}}


def test_pass_analysis_job_through_the_state_machine(runtime):
    base = runtime.base
    assert "State machines" in runtime.banner and ":stateMachine:groundlink-jobs" in runtime.banner
    # Given a registered, logged-in SSA user
    email = f"analyst-{uuid.uuid4().hex[:8]}@example.com"
    status, user = call("POST", f"{base}/auth/register", body={"email": email, "name": f"Analyst {email[8:16]}",
                                                               "password": "P@ssw0rd!Strong"})
    assert status == 201, user
    status, tokens = call("POST", f"{base}/auth/login", body={"email": email, "password": "P@ssw0rd!Strong"})
    assert status == 200, tokens
    token = tokens["access_token"]

    # When they submit a pass analysis of two demo satellites over a ground point
    request = {"ground_location": FEATURE, "date": ["2026-04-17T00:00:00+00:00", "2026-04-17T12:00:00+00:00"],
               "time_resolution": 60, "min_elv_constraint": 10, "max_elv_constraint": 90,
               "norad_ids": [25544, 43013], "name": "Stockholm e2e"}
    t0 = time.perf_counter()
    status, job = call("POST", f"{base}/v1/pass_analyzer/", token, request)
    assert status == 200, job
    assert job["status"] in ("pending", "in_progress", "completed")
    task_id = job["task_id"]
    assert job["status_url"] == f"/v1/pass_analyzer_callback/{task_id}/status/"

    # Then the state machine runs the worker and the task completes (bounded wait)
    seen = []
    while time.perf_counter() - t0 < 60:
        status, task = call("GET", f"{base}{job['status_url']}", token)
        assert status == 200, task
        if not seen or seen[-1] != task["status"]:
            seen.append(task["status"])
        if task["status"] in ("completed", "failed"):
            break
        time.sleep(0.1)
    latency = time.perf_counter() - t0
    assert task["status"] == "completed", (task, "".join(runtime.lines[-50:]))
    assert set(seen) <= {"pending", "in_progress", "completed"}
    assert task["progress"] == 1.0 and task["error"] is None
    result = task["result"]
    assert len(result["Access_norad"]) == 2 and len(result["duration_norad"]) == 2 and len(result["timestamp"]) == 2
    assert result["Access_norad"][1] == [1]  # NOAA 20 is seen from Stockholm within 12 h
    for windows in result["timestamp"]:
        for start, end in windows:
            assert "2026-04-17T00:00:00+00:00" <= start < end <= "2026-04-17T12:00:00+00:00"
    print(f"\nsubmit -> completed (local runtime, state machine): {latency * 1000:.0f} ms, statuses seen {seen}")

    # And the query history shows it
    status, history = call("GET", f"{base}/v1/query_history/", token)
    assert status == 200, history
    assert history["total_count"] == 1
    entry = history["history"][0]
    assert entry["task_id"] == task_id and entry["type"] == "pass_analyzer" and entry["status"] == "completed"
    assert entry["user_email"] == email


def test_routes_answer_with_a_trailing_slash(runtime):
    from shared.auth import issue_jwt

    base = runtime.base
    token = issue_jwt("e2e-user", ["ssa"])
    status, body = call("GET", f"{base}/v1/satellites/", token)
    assert status == 200, body
    assert isinstance(body, (list, dict)), body
    status, body = call("GET", f"{base}/v1/query_history/", token)  # a route declared without its slash
    assert status == 200 and body == {"history": [], "total_count": 0}, body
