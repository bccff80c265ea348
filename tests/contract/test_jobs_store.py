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
    store.create(job)  # the very same job again (a retried create whose answer was lost): a success, no change
    with pytest.raises(Exception):  # noqa: B017 (each store raises its own error)
        store.create(job.model_copy(update={"name": "another"}))
    with pytest.raises(Exception):  # noqa: B017
        store.create(job.model_copy(update={"task_id": str(uuid.uuid4())}))
    assert [j.task_id for j in store.list("user-1")] == [job.task_id]
    assert store.get(job.task_id) == job


def test_a_repeated_transition_is_the_callers_own_write(store: JobStore) -> None:
    job = new_job(store)
    assert store.transition(job.task_id, "failed", error="the job was stopped") is True
    failed = store.get(job.task_id)
    # the same write again (retried after a lost answer) answers success and changes nothing
    assert store.transition(job.task_id, "failed", error="the job was stopped") is True
    assert store.get(job.task_id) == failed
    assert store.transition(job.task_id, "failed", error="another reason") is False
    assert store.transition(job.task_id, "completed", result={"x": 1}) is False
    assert store.get(job.task_id) == failed


def test_one_execution_claims_a_pending_job(store: JobStore) -> None:
    job = new_job(store)
    assert store.claim(job.task_id, "exec-1") is True
    assert store.claim(job.task_id, "exec-1") is True  # the same execution again
    assert store.claim(job.task_id, "exec-2") is False
    held = store.get(job.task_id)
    assert (held.status, held.execution_id, held.progress) == ("in_progress", "exec-1", 0.1)
    assert store.transition(job.task_id, "completed", progress=1.0, result={"x": 1}) is True
    assert store.claim(job.task_id, "exec-1") is False
    assert store.claim(str(uuid.uuid4()), "exec-1") is False
    assert store.get(job.task_id).execution_id == "exec-1"


def test_open_jobs_are_the_pending_and_running_ones_created_before_the_cutoff(store: JobStore) -> None:
    from datetime import timedelta

    pending = new_job(store)
    running = new_job(store, created_at=T0 + timedelta(seconds=1), updated_at=T0 + timedelta(seconds=1))
    store.claim(running.task_id, "exec-1")
    finished = new_job(store)
    store.transition(finished.task_id, "failed", error="x")
    new_job(store, status="completed", result={"x": 1})
    later = new_job(store, created_at=T0 + timedelta(minutes=5), updated_at=T0 + timedelta(minutes=5))
    assert {j.task_id for j in store.open_jobs(T0 + timedelta(minutes=1))} == {pending.task_id, running.task_id}
    assert {j.task_id for j in store.open_jobs(T0 + timedelta(seconds=1))} == {pending.task_id}
    assert store.open_jobs(T0) == []
    assert later.task_id in {j.task_id for j in store.open_jobs(T0 + timedelta(hours=1))}


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


def test_the_create_transaction_carries_a_token_derived_from_the_job(dynamo_tables) -> None:
    tokens: list[str] = []
    client("dynamodb").meta.events.register(
        "provide-client-params.dynamodb.TransactWriteItems",
        lambda params, **_: tokens.append(params.get("ClientRequestToken")))
    dynamo = DynamoJobStore()
    job = new_job(dynamo)
    dynamo.create(job)  # retried: the same token, and a success
    new_job(dynamo)
    assert tokens[0] == tokens[1] != tokens[2] and all(t and len(t) <= 36 for t in tokens)
