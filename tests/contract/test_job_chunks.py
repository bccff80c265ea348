"""The chunk bookkeeping of every ``JobStore`` (the plan recorded with the claim, chunks done, the result pointer)
and every ``ResultStore`` (in memory, S3 on moto): the fakes the domain tests run on behave as the AWS adapters do."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto import mock_aws

from infra.local.emulation import create_resources, create_storage
from shared.adapters.memory.results import InMemoryResultStore
from shared.adapters.s3_results import S3ResultStore
from shared.aws import client, reset_clients
from shared.domain.jobs.ports import JobStore, ResultStore
from shared.resources import RESULTS
from tests.contract.test_jobs_store import new_job, store  # noqa: F401 (the store fixture, both kinds)


def test_progress_is_the_ratio_of_chunks_done_and_a_chunk_counts_once(store: JobStore) -> None:  # noqa: F811
    job = new_job(store)
    assert store.chunk_done(job.task_id, 0) is None  # not before it runs
    assert store.claim(job.task_id, "exec-1", 4) is True  # claimed with its plan, in one write
    running = store.get(job.task_id)
    assert (running.status, running.execution_id, running.chunks_total, running.chunks_done, running.progress) == (
        "in_progress", "exec-1", 4, 0, 0.0)
    assert store.claim(job.task_id, "exec-2", 5) is False  # another execution plans nothing
    assert store.claim(job.task_id, "exec-1", 4) is True  # a retried plan step
    assert store.get(job.task_id).chunks_total == 4
    assert [store.chunk_done(job.task_id, i) for i in (2, 0, 2, 0)] == [1, 2, 2, 2]  # retried chunks count once
    running = store.get(job.task_id)
    assert (running.chunks_done, running.progress) == (2, 0.5)
    assert store.chunk_done(job.task_id, 3) == 3 and store.get(job.task_id).progress == 0.75


def test_completion_keeps_the_result_pointer_and_a_late_chunk_changes_nothing(store: JobStore) -> None:  # noqa: F811
    job = new_job(store)
    store.claim(job.task_id, "exec-1", 1)
    assert store.chunk_done(job.task_id, 0) == 1
    key = f"jobs/{job.task_id}/result.json"
    assert store.transition(job.task_id, "completed", progress=1.0, result_key=key, result_bytes=1234) is True
    assert store.transition(job.task_id, "completed", progress=1.0, result_key=key, result_bytes=1234) is True
    done = store.get(job.task_id)
    assert (done.status, done.progress, done.result, done.result_key, done.result_bytes, done.chunks_done) == (
        "completed", 1.0, None, key, 1234, 1)
    assert store.chunk_done(job.task_id, 0) is None and store.get(job.task_id) == done


@pytest.fixture(params=["memory", "s3"])
def results(request: pytest.FixtureRequest) -> Iterator[ResultStore]:
    if request.param == "memory":
        yield InMemoryResultStore()
        return
    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        create_storage(client("s3"), client("sqs"), buckets=(RESULTS,), queues=())
        yield S3ResultStore(client("s3"), RESULTS.local_name)
    reset_clients()


def test_a_document_reads_back_exactly_and_its_size_is_its_json(results: ResultStore) -> None:
    document = {"Access_norad": [[1, 0]], "duration_norad": [[0.1 + 0.2, 1e-7]], "name": "Ström", "none": None}
    size = results.put("jobs/t/result.json", document)
    assert results.get("jobs/t/result.json") == document
    assert size == len(json.dumps(document, separators=(",", ":")).encode())
    assert results.put("jobs/t/result.json", {"a": 1}) == 7 and results.get("jobs/t/result.json") == {"a": 1}
    with pytest.raises(KeyError):
        results.get("jobs/none.json")
    assert "jobs/t/result.json" in results.url("jobs/t/result.json", 60)
