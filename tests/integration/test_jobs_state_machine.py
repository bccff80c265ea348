"""The REAL jobs state machine (``shared.resources.JOBS_STATE_MACHINE``, the definition the CDK app deploys) executed
by moto's Step Functions, its Lambda tasks bridged to the jobs worker's handler (``infra.local.lambda_bridge``):
pending → completed with a result; a failing worker → the Catch records the reason, the execution FAILS; a
duplicated start changes nothing; two executions of one job compute it once; both steps failing, and an execution
that times out, still end the job failed exactly once (the execution-status event the CDK app's rule delivers is
handed to the worker here, as EventBridge would)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from moto import mock_aws

from infra.local.emulation import (
    create_resources,
    create_state_machines,
    create_storage,
    state_machine_env,
    state_machine_workers,
)
from infra.local.lambda_bridge import MOTO_CONFIG, bridge, function_name_of, unbridge
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.stepfunctions import StepFunctionsJobStarter
from shared.aws import client
from shared.catalog.demo import seed_demo
from shared.domain.jobs.models import Job
from shared.resources import JOBS_STATE_MACHINE
from tests.integration.conftest import _reset_caches, bearer

ALICE = bearer("user-1", "ssa", extra={"email": "alice@example.com"})
FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]}, "properties": {}}
ANALYSIS = {"ground_location": FEATURE, "date": ["2026-04-17T00:00:00+00:00", "2026-04-17T12:00:00+00:00"],
            "time_resolution": 60, "min_elv_constraint": 10, "max_elv_constraint": 90,
            "norad_ids": [25544, 43013], "name": "Stockholm"}


@pytest.fixture(scope="module")
def machine() -> Iterator[str]:
    """moto executing state machines, the demo catalogue, the jobs state machine and its bridged worker."""
    import os

    saved = os.environ.get(JOBS_STATE_MACHINE.env_var)
    with mock_aws(config=MOTO_CONFIG):
        _reset_caches()
        create_resources(client("dynamodb"))
        create_storage(client("s3"), client("sqs"))
        seed_demo(catalog_repository())
        arns = create_state_machines(client("lambda"), client("iam"), client("stepfunctions"))
        bridge(state_machine_workers())
        os.environ.update(state_machine_env(arns))
        _reset_caches()
        try:
            yield arns[JOBS_STATE_MACHINE.key]
        finally:
            unbridge()
            if saved is None:
                os.environ.pop(JOBS_STATE_MACHINE.env_var, None)
            else:
                os.environ[JOBS_STATE_MACHINE.env_var] = saved
    _reset_caches()


@pytest.fixture(autouse=True)
def _arn_visible(machine, monkeypatch):
    """conftest's environment guard restores os.environ after each test; keep the ARN set for every test."""
    monkeypatch.setenv(JOBS_STATE_MACHINE.env_var, machine)
    from shared.settings import get_settings

    get_settings.cache_clear()


def start_job(task_id: str) -> None:
    StepFunctionsJobStarter().start(task_id)


def _execution_arn(machine_arn: str, task_id: str) -> str:
    return machine_arn.replace(":stateMachine:", ":execution:") + f":{task_id}"


def _wait(execution_arn: str, timeout_s: float = 60) -> dict:
    sfn = client("stepfunctions")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        desc = sfn.describe_execution(executionArn=execution_arn)
        if desc["status"] != "RUNNING":
            return desc
        time.sleep(0.05)
    raise AssertionError(f"{execution_arn} still running after {timeout_s} s")


def test_the_state_machine_is_the_spec_definition_with_the_worker_arn(machine):
    sm = client("stepfunctions").describe_state_machine(stateMachineArn=machine)
    worker_arn = client("lambda").get_function(FunctionName=JOBS_STATE_MACHINE.worker)["Configuration"]["FunctionArn"]
    assert json.loads(sm["definition"]) == json.loads(JOBS_STATE_MACHINE.definition_for(
        worker_arn, map_concurrency=JOBS_STATE_MACHINE.local_map_concurrency))
    assert sm["type"] == "STANDARD"
    assert function_name_of(worker_arn) == JOBS_STATE_MACHINE.worker


def test_pass_analysis_runs_pending_to_completed(machine):
    import functions.ssa_jobs.app as jobs_app

    api = TestClient(jobs_app.app, raise_server_exceptions=False)
    t0 = time.perf_counter()
    r = api.post("/v1/pass_analyzer/", json=ANALYSIS, headers=ALICE)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] in ("pending", "in_progress", "completed")

    desc = _wait(_execution_arn(machine, body["task_id"]))
    elapsed = time.perf_counter() - t0
    assert desc["status"] == "SUCCEEDED", desc
    assert json.loads(desc["output"])["run"]["result"] == {"task_id": body["task_id"], "status": "completed"}

    status = api.get(body["status_url"], headers=ALICE).json()
    assert status["status"] == "completed" and status["progress"] == 1.0 and status["error"] is None
    result = status["result"]
    assert len(result["Access_norad"]) == 2 and len(result["timestamp"]) == 2
    assert result["Access_norad"][1] == [1]  # NOAA 20 is seen from Stockholm within 12 h
    print(f"\nsubmit -> completed through the state machine: {elapsed * 1000:.0f} ms")


def test_the_lambda_tasks_of_every_execution_share_one_client(machine, monkeypatch):
    from infra.local import lambda_bridge

    built: list[str] = []
    original = lambda_bridge._original_client_for

    def counting(region, service, state_credentials=None):
        built.append(service)
        return original(region=region, service=service, state_credentials=state_credentials)

    monkeypatch.setattr(lambda_bridge, "_original_client_for", counting)
    monkeypatch.setattr(lambda_bridge, "_lambda_clients", {})
    # Given two jobs run through the state machine (each Plan, a Chunk, Merge: six Lambda Tasks)
    import functions.ssa_jobs.app as jobs_app

    api = TestClient(jobs_app.app, raise_server_exceptions=False)
    for _ in range(2):
        r = api.post("/v1/pass_analyzer/", json=ANALYSIS, headers=ALICE)
        assert r.status_code == 200, r.text
        desc = _wait(_execution_arn(machine, r.json()["task_id"]))
        assert desc["status"] == "SUCCEEDED", desc
        assert api.get(r.json()["status_url"], headers=ALICE).json()["status"] == "completed"
    # Then one Lambda client served all their Tasks
    assert built == ["lambda"] and len(lambda_bridge._lambda_clients) == 1


def _stored_job(norad_ids: list[int]) -> str:
    """A job as the API stores it, for a satellite whose element set is gone from the catalogue."""
    from shared.adapters.dynamo.jobs import job_store

    repo = job_store()
    now = datetime.now(UTC)
    task_id = str(uuid.uuid4())
    repo.create(Job(task_id=task_id, history_id=repo.next_history_id(), kind="pass_analyzer", owner="user-1",
                    request={**ANALYSIS, "norad_ids": norad_ids}, created_at=now, updated_at=now))
    return task_id


def test_a_failing_job_is_recorded_failed_by_the_catch_path(machine):
    from shared.adapters.dynamo.jobs import job_store

    task_id = _stored_job([99999])
    start_job(task_id)
    desc = _wait(_execution_arn(machine, task_id))
    assert desc["status"] == "FAILED"
    assert desc.get("error") == "JobFailed"
    job = job_store().get(task_id)
    assert job.status == "failed"
    assert job.error == "no element set stored for NORAD 99999"  # the message, no stack trace, no JSON
    assert job.result is None


def test_a_forced_worker_exception_takes_the_catch_path(machine, monkeypatch):
    from shared.adapters.dynamo.jobs import job_store
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("propagator exploded")

    monkeypatch.setattr("shared.domain.jobs.analysis.coverage.compute_chunk", boom)
    task_id = _stored_job([25544])
    start_job(task_id)
    assert _wait(_execution_arn(machine, task_id))["status"] == "FAILED"
    assert len(calls) == 3  # the chunk was tried, then retried twice (2 s, 4 s)
    job = job_store().get(task_id)  # then its Catch failed the job with the chunk's reason, never the SDK's text
    assert (job.status, job.error) == (
        "failed", "part 1 of 1 of the analysis failed: the analysis failed unexpectedly; submit it again")
    events = client("stepfunctions").get_execution_history(
        executionArn=_execution_arn(machine, task_id))["events"]
    failed = [e["taskFailedEventDetails"] for e in events if e["type"] == "TaskFailed"]
    assert failed and failed[0]["error"] == "JobError"  # the merge refuses a failed job: the execution fails


def test_a_duplicated_start_changes_nothing(machine):
    from shared.adapters.dynamo.jobs import job_store

    task_id = _stored_job([25544])
    start_job(task_id)
    start_job(task_id)  # while running: the same execution (same name, same input)
    execution_arn = _execution_arn(machine, task_id)
    assert _wait(execution_arn)["status"] == "SUCCEEDED"
    before = job_store().get(task_id)
    start_job(task_id)  # after it finished: ExecutionAlreadyExists, swallowed
    sfn = client("stepfunctions")
    executions = [e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["name"] == task_id]
    assert len(executions) == 1 and executions[0]["executionArn"] == execution_arn
    after = job_store().get(task_id)
    assert after == before and after.status == "completed"


# -- jobs end once --------------------------------------------------------------------------------------------
def _status_change(desc: dict) -> dict:
    """The EventBridge event the CDK app's rule sends the worker when an execution ends."""
    return {"version": "0", "source": "aws.states", "detail-type": "Step Functions Execution Status Change",
            "detail": {"executionArn": desc["executionArn"], "stateMachineArn": desc["stateMachineArn"],
                       "name": desc["name"], "status": desc["status"]}}


def _variant(machine_arn: str, name: str, **changes: object) -> str:
    """The jobs state machine with some fields changed (a shorter timeout, quicker retries), on the same worker."""
    import dataclasses

    sfn = client("stepfunctions")
    existing = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    if name in existing:
        return existing[name]
    described = sfn.describe_state_machine(stateMachineArn=machine_arn)
    worker_arn = client("lambda").get_function(FunctionName=JOBS_STATE_MACHINE.worker)["Configuration"]["FunctionArn"]
    definition = json.loads(JOBS_STATE_MACHINE.definition_for(worker_arn))
    spec = dataclasses.replace(JOBS_STATE_MACHINE, definition={**definition, **changes.pop("definition", {})},
                               **changes)
    return sfn.create_state_machine(name=name, definition=spec.definition_for(worker_arn),
                                    roleArn=described["roleArn"], type="STANDARD")["stateMachineArn"]


def _start(machine_arn: str, task_id: str, name: str | None = None) -> str:
    return client("stepfunctions").start_execution(stateMachineArn=machine_arn, name=name or task_id,
                                                   input=json.dumps({"task_id": task_id}))["executionArn"]


def test_two_executions_of_one_job_compute_it_once(machine, monkeypatch):
    # Given a job started twice under two execution names (a duplicated start that escaped the name check)
    from shared.adapters.dynamo.jobs import job_store
    from shared.domain.jobs.fanout import PassAnalysisFanout

    computed = []
    original = PassAnalysisFanout.chunk

    def slow(self, task_id, index):
        computed.append(time.monotonic())
        time.sleep(2)  # long enough for the second execution to try while the first computes
        return original(self, task_id, index)

    monkeypatch.setattr(PassAnalysisFanout, "chunk", slow)
    task_id = _stored_job([25544])
    first = _start(machine, task_id)
    deadline = time.monotonic() + 20
    while job_store().get(task_id).status != "in_progress" and time.monotonic() < deadline:
        time.sleep(0.05)
    second = _start(machine, task_id, f"{task_id}-again")  # while the first computes
    # When both run to their end
    ends = [_wait(first), _wait(second)]
    # Then both succeed, the job was computed once and completed once, by the execution that claimed it
    history = client("stepfunctions").get_execution_history(executionArn=second)["events"]
    assert [d["status"] for d in ends] == ["SUCCEEDED", "SUCCEEDED"], [
        e for e in history if "Failed" in e["type"]]
    assert len(computed) == 1
    outputs = [json.loads(d["output"])["run"]["result"]["status"] for d in ends]
    assert outputs == ["completed", "in_progress"]
    job = job_store().get(task_id)
    assert job.status == "completed" and job.execution_id == first and job.result_key is not None


def test_the_failure_step_retries_every_error(machine, monkeypatch):
    # Given a run that fails and a failure-recording step whose data store fails twice before it answers
    from shared.adapters.dynamo.jobs import job_store
    from shared.domain.jobs.service import JobsService

    attempts = []
    original = JobsService.record_failure

    def flaky(self, task_id, reason):
        attempts.append(reason)
        if len(attempts) <= 2:
            raise ConnectionError("Could not connect to the endpoint URL")
        return original(self, task_id, reason)

    monkeypatch.setattr(JobsService, "record_failure", flaky)
    task_id = _stored_job([99999])
    start_job(task_id)
    # Then the step is retried (2 s, then 4 s) until the reason is recorded, and the execution fails
    assert _wait(_execution_arn(machine, task_id), timeout_s=90)["status"] == "FAILED"
    assert len(attempts) == 3
    job = job_store().get(task_id)
    assert (job.status, job.error) == ("failed", "no element set stored for NORAD 99999")


def test_both_steps_failing_end_the_job_failed_once(machine, monkeypatch):
    # Given a data store failing for the run step and for every try of the failure-recording step
    from functions.jobs_worker.handler import handle
    from shared.adapters.dynamo.jobs import DynamoJobStore, job_store

    quick = _variant(machine, "groundlink-jobs-quick-retries", definition={"States": {
        **JOBS_STATE_MACHINE.definition["States"],
        "RecordFailure": {**JOBS_STATE_MACHINE.definition["States"]["RecordFailure"],
                          "Parameters": json.loads(json.dumps(
                              JOBS_STATE_MACHINE.definition["States"]["RecordFailure"]["Parameters"]).replace(
                                  "${WorkerArn}", client("lambda").get_function(
                                      FunctionName=JOBS_STATE_MACHINE.worker)["Configuration"]["FunctionArn"])),
                          "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}]},
        "Plan": {**JOBS_STATE_MACHINE.definition["States"]["Plan"],
                 "Parameters": json.loads(json.dumps(JOBS_STATE_MACHINE.definition["States"]["Plan"]["Parameters"])
                                         .replace("${WorkerArn}", client("lambda").get_function(
                                             FunctionName=JOBS_STATE_MACHINE.worker)["Configuration"]["FunctionArn"]))},
    }})
    task_id = _stored_job([25544])

    def down(self, *args, **kwargs):
        raise ConnectionError("Could not connect to the endpoint URL")

    monkeypatch.setattr(DynamoJobStore, "claim", down)
    monkeypatch.setattr(DynamoJobStore, "transition", down)
    desc = _wait(_start(quick, task_id), timeout_s=60)
    assert desc["status"] == "FAILED"
    monkeypatch.undo()
    assert job_store().get(task_id).status == "pending"  # what the issue saw: stuck for ever
    # When the execution's status change reaches the worker (EventBridge delivers at least once)
    assert handle(_status_change(desc))["recorded"] is True
    assert handle(_status_change(desc))["recorded"] is False
    # Then the job failed exactly once, with a sentence
    job = job_store().get(task_id)
    assert (job.status, job.error) == ("failed", "the job ended before it could record its result; submit it again")
    assert handle({"detail-type": "Scheduled Event", "source": "aws.events"})["swept"] == []
    assert job_store().get(task_id) == job


def test_an_execution_that_times_out_ends_its_job_failed_once(machine, monkeypatch):
    # Given an execution limit of 5 s (time for the plan to claim the job on a busy machine) and an analysis that
    # runs until the execution has timed out
    import threading

    from functions.jobs_worker.handler import handle
    from shared.adapters.dynamo.jobs import job_store
    from shared.domain.jobs.analysis import coverage

    short = _variant(machine, "groundlink-jobs-short-5s", timeout_s=5)
    original = coverage.compute_chunk
    released, finished = threading.Event(), threading.Event()

    def slow(*args, **kwargs):
        released.wait(60)
        try:
            return original(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(coverage, "compute_chunk", slow)
    task_id = _stored_job([25544])
    desc = _wait(_start(short, task_id), timeout_s=30)
    assert desc["status"] == "TIMED_OUT"
    assert job_store().get(task_id).status == "in_progress"
    # When the status change arrives
    assert handle(_status_change(desc))["recorded"] is True
    failed = job_store().get(task_id)
    assert (failed.status, failed.error) == (
        "failed", "the job did not finish within 60 minutes and was stopped; submit it again")
    # Then the abandoned run's late completion changes nothing: one terminal state
    released.set()
    assert finished.wait(30)
    time.sleep(1)  # the chunk's own writes after the computation
    assert job_store().get(task_id) == failed


def test_the_local_sweep_timer_fails_a_job_left_open(machine):
    # Given a job submitted two hours ago whose execution never recorded anything
    import dataclasses
    from datetime import timedelta

    from infra.local.timers import local_timers
    from shared.adapters.dynamo.jobs import job_store
    from shared.resources import FUNCTIONS

    repo = job_store()
    then = datetime.now(UTC) - timedelta(hours=2)
    task_id = str(uuid.uuid4())
    repo.create(Job(task_id=task_id, history_id=repo.next_history_id(), kind="pass_analyzer", owner="user-1",
                    request=ANALYSIS, created_at=then, updated_at=then))
    # When the local runtime's timer ticks (every second here, every 5 minutes in the runtime)
    timers = local_timers(FUNCTIONS, state_machines=(dataclasses.replace(JOBS_STATE_MACHINE, sweep_every_s=1),)).start()
    try:
        deadline = time.monotonic() + 20
        while repo.get(task_id).status == "pending" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        timers.stop()
    # Then the job is failed with a sentence
    job = repo.get(task_id)
    assert (job.status, job.error) == (
        "failed", "the job did not finish within 70 minutes of its submission and was given up; submit it again")


# -- fan-out ------------------------------------------------------------------------------------------------
def test_a_multi_chunk_job_fans_out_merges_and_a_large_result_is_a_presigned_url(machine, monkeypatch):
    # Given a chunk budget of one satellite over one point for 12 hours: two chunks for two satellites
    import requests

    import functions.jobs_worker.handler as worker
    import functions.ssa_jobs.app as jobs_app
    from shared.adapters.dynamo.jobs import job_store
    from shared.domain.jobs.analysis.coverage import analyse
    from shared.wiring.jobs import build_jobs_service, jobs_service

    monkeypatch.setattr(worker, "jobs_service", lambda: build_jobs_service(chunk_budget=720))
    api = TestClient(jobs_app.app, raise_server_exceptions=False)
    task_id = api.post("/v1/pass_analyzer/", json=ANALYSIS, headers=ALICE).json()["task_id"]
    # When the state machine runs it
    desc = _wait(_execution_arn(machine, task_id))
    # Then its Map ran the chunks (its items: their indices), the merge completed the job with every chunk counted
    assert desc["status"] == "SUCCEEDED", desc
    output = json.loads(desc["output"])
    assert output["plan"] == {"chunks": [0, 1]} and output["run"]["result"]["status"] == "completed"
    events = client("stepfunctions").get_execution_history(executionArn=desc["executionArn"])["events"]
    assert [e["type"] for e in events if e["type"].startswith("MapRun")] == ["MapRunStarted", "MapRunSucceeded"]
    job = job_store().get(task_id)
    assert (job.status, job.chunks_total, job.chunks_done, job.progress) == ("completed", 2, 2, 1.0)
    status = api.get(f"/v1/pass_analyzer_callback/{task_id}/status/", headers=ALICE).json()
    assert status["progress"] == 1.0 and status["result_url"] is None
    # and the result is the unsplit computation's
    from groundlink_orbit import parse_tle

    sets = [parse_tle(s.tle.line1, s.tle.line2, s.tle.name or s.name)
            for s in map(catalog_repository().get_satellite, ANALYSIS["norad_ids"])]
    start, end = (datetime.fromisoformat(d).timestamp() for d in ANALYSIS["date"])
    unsplit = analyse(sets, FEATURE, start, end, 10, 90, 60)
    assert {k: v for k, v in status["result"].items() if not k.startswith("tle_")} == unsplit
    # When the result is larger than the inline limit (1 byte here)
    jobs_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(inline_limit_bytes=1)
    try:
        large = api.get(f"/v1/pass_analyzer_callback/{task_id}/status/", headers=ALICE).json()
    finally:
        jobs_app.app.dependency_overrides.clear()
    # Then the status carries a presigned URL to the full JSON instead, the seed's fields unchanged
    assert large["result"] is None and large["status"] == "completed" and large["progress"] == 1.0
    assert "Expires=" in large["result_url"] and f"jobs/{task_id}/result.json" in large["result_url"]
    fetched = requests.get(large["result_url"], timeout=10)
    assert fetched.status_code == 200 and fetched.json() == status["result"]
