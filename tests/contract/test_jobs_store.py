"""One contract for every ``JobStore`` (``shared.domain.jobs.ports``): the in-memory fake and the DynamoDB
store (on moto, tables from the shared specs) must behave alike, so domain tests on the fake can be trusted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.adapters.dynamo.jobs import DynamoJobStore
from shared.adapters.memory.jobs import InMemoryJobStore
from shared.aws import client, reset_clients
from shared.domain.jobs.models import Job
from shared.domain.jobs.ports import JobStore

T0 = datetime(2026, 4, 17, 8, 30, 0, 123000, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[JobStore]:
    if request.param == "memory":
        yield InMemoryJobStore()
        return
    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        yield DynamoJobStore()
    reset_clients()


def new_job(store: JobStore, owner: str = "user-1", **fields: object) -> Job:
    job = Job.model_validate({"task_id": str(uuid.uuid4()), "history_id": store.next_history_id(),
                              "kind": "pass_analyzer", "owner": owner, "owner_email": None, "name": None,
                              "request": {"norad_ids": [25544], "name": None, "properties": {"a": [1, None]}},
                              "created_at": T0, "updated_at": T0, **fields})
    store.create(job)
    return job


def test_history_ids_are_unique_and_increasing(store: JobStore) -> None:
    ids = [store.next_history_id() for _ in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_a_job_reads_back_exactly(store: JobStore) -> None:
    job = new_job(store, owner_email="a@example.com", name="n", alert=True,
                  result={"Access_norad": [[1, 0]], "blind": None})
    assert store.get(job.task_id) == job
    assert store.by_history_id(job.history_id) == job
    assert store.get("00000000-0000-4000-8000-000000000000") is None
    assert store.by_history_id(999_999) is None


def test_a_task_id_or_history_id_is_never_reused(store: JobStore) -> None:
    job = new_job(store)
    with pytest.raises(Exception):  # noqa: B017 (each store raises its own error)
        store.create(job)
    with pytest.raises(Exception):  # noqa: B017
        store.create(job.model_copy(update={"task_id": str(uuid.uuid4())}))
    assert [j.task_id for j in store.list("user-1")] == [job.task_id]


def test_list_holds_the_owners_jobs_only(store: JobStore) -> None:
    mine = {new_job(store).task_id for _ in range(3)}
    new_job(store, owner="user-2")
    assert {j.task_id for j in store.list("user-1")} == mine
    assert store.list("nobody") == []


def test_status_moves_forward_only(store: JobStore) -> None:
    job = new_job(store)
    assert store.transition(job.task_id, "in_progress", progress=0.1) is True
    assert store.transition(job.task_id, "in_progress", progress=0.2) is True  # a retried step
    running = store.get(job.task_id)
    assert (running.status, running.progress, running.result) == ("in_progress", 0.2, None)
    assert running.updated_at > T0
    assert store.transition(job.task_id, "completed", progress=1.0, result={"x": [1, 2]}) is True
    assert store.transition(job.task_id, "failed", error="late") is False
    assert store.transition(job.task_id, "in_progress") is False
    done = store.get(job.task_id)
    assert (done.status, done.progress, done.result, done.error) == ("completed", 1.0, {"x": [1, 2]}, None)


def test_a_pending_job_can_fail_and_then_stays_failed(store: JobStore) -> None:
    job = new_job(store)
    assert store.transition(job.task_id, "failed", error="boom") is True
    assert store.transition(job.task_id, "completed", result={"x": 1}) is False
    failed = store.get(job.task_id)
    assert (failed.status, failed.error, failed.result) == ("failed", "boom", None)


def test_a_failure_keeps_its_error_code(store: JobStore) -> None:
    job = new_job(store)
    assert store.get(job.task_id).error_code is None
    assert store.transition(job.task_id, "failed", error="too large", error_code="EXTENT-TOO-LARGE") is True
    failed = store.get(job.task_id)
    assert (failed.status, failed.error, failed.error_code) == ("failed", "too large", "EXTENT-TOO-LARGE")


def test_an_unknown_job_does_not_move(store: JobStore) -> None:
    assert store.transition(str(uuid.uuid4()), "completed", result={}) is False


def test_the_alert_flag(store: JobStore) -> None:
    job = new_job(store)
    updated = store.set_alert(job.task_id, True)
    assert updated is not None and updated.alert is True and updated.updated_at > T0
    assert store.get(job.task_id).alert is True
    assert store.set_alert(job.task_id, False).alert is False
    assert store.set_alert(str(uuid.uuid4()), True) is None
