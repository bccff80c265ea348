"""The pass analysis's fan-out steps on in-memory stores: plan → chunks (progress = chunks done / total, a
retried chunk counting once) → merge (the unsplit result, completed once); a chunk failing fails the job with its
reason; the result inline up to the limit, else a URL."""

from __future__ import annotations

import pytest

from shared.adapters.memory.results import InMemoryResultStore
from shared.domain.jobs.analysis.coverage import analyse
from shared.domain.jobs.fanout import chunk_key, inputs_key, result_key
from shared.domain.jobs.models import JobError
from shared.domain.jobs.service import JobsService
from tests.unit.domain.jobs.test_jobs_service import ALICE, NOW, analysis, world  # noqa: F401

POLYGON = {"type": "Feature", "properties": {},
           "geometry": {"type": "Polygon", "coordinates": [[[15, 55], [20, 55], [20, 60], [15, 60], [15, 55]]]}}


@pytest.fixture
def chunked(world):  # noqa: F811
    """The service with a chunk budget of one satellite over the polygon's points for the window: 2 chunks."""
    service, store, starter, catalog = world
    service.chunk_budget = 100 * 720  # the polygon has 100 points
    return service, store, service.results


def test_a_job_runs_in_chunks_with_progress_and_merges_to_the_unsplit_result(chunked):
    service, store, results = chunked
    job = service.submit_pass_analysis(analysis(ground_location=POLYGON), ALICE)
    steps = service.fanout
    assert steps.plan(job.task_id, "exec-1") == [0, 1]
    planned = store.get(job.task_id)
    assert (planned.status, planned.chunks_total, planned.chunks_done, planned.progress) == ("in_progress", 2, 0, 0)
    assert steps.plan(job.task_id, "exec-2") == []  # another execution gets nothing to do
    assert steps.chunk(job.task_id, 1) == 1 and store.get(job.task_id).progress == 0.5
    assert steps.chunk(job.task_id, 1) == 1 and store.get(job.task_id).progress == 0.5  # a retried chunk
    with pytest.raises(JobError, match="did not all finish"):
        steps.merge(job.task_id, "exec-1")
    assert steps.chunk(job.task_id, 0) == 2  # the last chunk to finish merges and completes the job
    done = store.get(job.task_id)
    assert steps.merge(job.task_id, "exec-1") == "completed"  # the Merge step then finds it completed
    assert steps.chunk(job.task_id, 0) is None and steps.merge(job.task_id, "exec-1") == "completed"
    assert store.get(job.task_id) == done  # a retried chunk or merge completes nothing twice
    assert (done.status, done.progress, done.chunks_done, done.result_key) == (
        "completed", 1.0, 2, result_key(job.task_id))
    [event] = store.outbox.pending()
    assert event.detail["state"] == "completed"
    # the merged result is the unsplit computation's, with the element sets' epochs and ages
    from groundlink_orbit import parse_tle

    inputs = results.get(inputs_key(job.task_id))
    sets = [parse_tle(a, b, name) for name, a, b in inputs["tles"]]
    request = analysis(ground_location=POLYGON)
    unsplit = analyse(sets, POLYGON, request.date[0].timestamp(), request.date[-1].timestamp(), 10, 90, 60)
    result = results.get(done.result_key)
    assert {k: v for k, v in result.items() if not k.startswith("tle_")} == unsplit
    assert set(result["tle_epoch"]) == {"25544", "43013"}
    assert done.result_bytes == len(results.objects[done.result_key])


def test_a_chunk_failing_for_good_fails_the_job_with_its_reason_once(chunked):
    service, store, results = chunked
    job = service.submit_pass_analysis(analysis(ground_location=POLYGON), ALICE)
    service.fanout.plan(job.task_id, "exec-1")
    service.fanout.chunk(job.task_id, 0)
    assert service.fanout.chunk_failed(job.task_id, 1, "the analysis failed unexpectedly; submit it again")
    assert not service.fanout.chunk_failed(job.task_id, 1, "again")
    failed = store.get(job.task_id)
    assert (failed.status, failed.error) == (
        "failed", "part 2 of 2 of the analysis failed: the analysis failed unexpectedly; submit it again")
    assert [e.detail["state"] for e in store.outbox.pending()] == ["failed"]
    with pytest.raises(JobError, match="part 2 of 2"):  # the merge fails the execution too, records nothing
        service.fanout.merge(job.task_id, "exec-1")
    assert store.get(job.task_id) == failed and chunk_key(job.task_id, 1) not in results.objects


def test_a_run_step_that_raises_in_a_chunk_fails_the_job_with_the_chunk_reason(chunked, monkeypatch):
    service, store, _ = chunked
    job = service.submit_pass_analysis(analysis(ground_location=POLYGON), ALICE)

    def refused(*args, **kwargs):
        raise ValueError("max_elevation_deg must be greater than min_elevation_deg")

    monkeypatch.setattr("shared.domain.jobs.analysis.coverage.compute_chunk", refused)
    with pytest.raises(JobError):
        service.run(job.task_id, "exec-1")
    assert store.get(job.task_id).error == (
        "part 1 of 2 of the analysis failed: satellites 1-1, ground points 1-100, 2026-04-17T00:00:00Z to "
        "2026-04-17T12:00:00Z: max_elevation_deg must be greater than min_elevation_deg")


def test_the_result_is_inline_up_to_the_limit_else_a_url(chunked):
    service, store, results = chunked
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert service.run(job.task_id, "exec-1") == "completed"
    done = store.get(job.task_id)
    inline = service.result_view(done)
    assert inline.url is None and inline.inline == results.get(done.result_key)
    assert inline.size_bytes == done.result_bytes
    service.inline_limit_bytes = done.result_bytes - 1
    large = service.result_view(done)
    assert large.inline is None and large.url == f"memory://results/{done.result_key}?expires=3600"
    assert (large.url_expires_s, large.size_bytes) == (3600, done.result_bytes)
    assert service.result_view(done, limit_bytes=done.result_bytes).inline == inline.inline


def test_a_service_without_a_results_store_refuses_the_steps(world):  # noqa: F811
    service, store, starter, catalog = world
    bare = JobsService(store, catalog, starter, service.accounts)
    with pytest.raises(JobError, match="no results store"):
        bare.fanout  # noqa: B018
    assert isinstance(service.results, InMemoryResultStore) and NOW


def test_a_job_of_one_chunk_is_completed_by_it_without_storing_its_part(world):  # noqa: F811
    service, store, starter, catalog = world
    job = service.submit_pass_analysis(analysis(ground_location=POLYGON), ALICE)
    assert service.fanout.plan(job.task_id, "exec-1") == [0]
    assert service.fanout.chunk(job.task_id, 0) == 1
    done = store.get(job.task_id)
    assert (done.status, done.progress, done.chunks_done, done.result_key) == (
        "completed", 1.0, 1, result_key(job.task_id))
    assert chunk_key(job.task_id, 0) not in service.results.objects  # nothing would have read it
    assert service.fanout.merge(job.task_id, "exec-1") == "completed" and store.get(job.task_id) == done
    assert [e.detail["state"] for e in store.outbox.pending()] == ["completed"]


def test_the_merge_step_merges_stored_parts_no_chunk_merged(chunked):
    # Given a job whose two parts are stored and counted but which no chunk completed
    service, store, results = chunked
    job = service.submit_pass_analysis(analysis(ground_location=POLYGON), ALICE)
    steps = service.fanout
    steps.plan(job.task_id, "exec-1")
    steps.chunk(job.task_id, 0)
    part = results.get(chunk_key(job.task_id, 0))  # satellite 0's part; satellite 1's stored as never seen
    results.put(chunk_key(job.task_id, 1), {"pairs": [], "windows": []})
    assert store.chunk_done(job.task_id, 1) == 2 and store.get(job.task_id).status == "in_progress"
    # When the Merge step runs, for another execution and then for the one holding the job
    assert steps.merge(job.task_id, "exec-2") == "in_progress"
    assert steps.merge(job.task_id, "exec-1") == "completed"
    # Then the job is completed once, from the stored parts
    done = store.get(job.task_id)
    assert (done.status, done.progress, done.chunks_done) == ("completed", 1.0, 2)
    access = results.get(done.result_key)["Access_norad"]
    assert access[0] == [int(any(p == j for _, p, _ in part["pairs"])) for j in range(100)] and any(access[0])
    assert access[1] == [0] * 100
