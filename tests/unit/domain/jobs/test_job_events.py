"""Jobs announce their end: ``Job State Change`` (groundlink.jobs) on completion and failure, written with the
transition (a repeated step announces nothing), and one ``Maneuver Detected`` (groundlink.maneuvers) per
maneuver a detection found."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.events.models import JOB_STATE_CHANGE, MANEUVER_DETECTED
from shared.domain.jobs.models import JobError, ManeuverRequest
from tests.unit.domain.jobs.test_jobs_service import ALICE, NOW, _burn_history, analysis, world  # noqa: F401


def test_a_completed_analysis_is_announced_once(world):  # noqa: F811
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert store.outbox.pending() == []  # submitting is no end
    assert service.run(job.task_id, "exec-1") == "completed"
    [done] = store.outbox.pending()
    assert (done.source, done.detail_type, done.owner, done.time) == ("groundlink.jobs", JOB_STATE_CHANGE, "user-1",
                                                                      NOW)
    assert done.detail == {"taskId": job.task_id, "historyId": job.history_id, "kind": "pass_analyzer",
                           "name": job.name, "previousState": "in_progress", "state": "completed",
                           "changedAt": "2026-04-20T00:00:00Z"}
    service.run(job.task_id, "exec-1")
    service.record_failure(job.task_id, "late")
    assert store.outbox.pending() == [done]


def test_a_failure_is_announced_with_its_reason(world, monkeypatch):  # noqa: F811
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("shared.domain.jobs.analysis.coverage.compute_chunk", broken)
    with pytest.raises(RuntimeError):
        service.run(job.task_id, "exec-1")
    service.record_failure(job.task_id, "the analysis failed unexpectedly; submit it again")
    [failed] = store.outbox.pending()
    assert failed.detail["state"] == "failed" and failed.detail["previousState"] == "in_progress"
    assert failed.detail["reason"] == "the analysis failed unexpectedly; submit it again"
    with pytest.raises(JobError):
        service.run("no-such-task", "exec-9")
    assert len(store.outbox.pending()) == 1


def test_each_detected_maneuver_is_announced(world):  # noqa: F811
    service, store, _, catalog = world
    catalog.add(43013, "NOAA 20", _burn_history(43013, burn_at=12, da_km=1.0))
    job = service.detect_maneuvers(ManeuverRequest(norad_ids=[43013, 25544], start_date=date(2026, 4, 1),
                                                   end_date=date(2026, 4, 19)), ALICE)
    events = store.outbox.pending()
    kinds = sorted(e.detail_type for e in events)
    assert kinds == [JOB_STATE_CHANGE, MANEUVER_DETECTED]
    [maneuver] = [e for e in events if e.detail_type == MANEUVER_DETECTED]
    [m] = job.result["maneuvers"]
    assert maneuver.source == "groundlink.maneuvers" and maneuver.owner == "user-1"
    assert maneuver.detail["noradId"] == 43013 and maneuver.detail["taskId"] == job.task_id
    assert maneuver.detail["deltaVMps"] == m["delta_v"] and maneuver.detail["maneuverType"] == "sma"
    assert maneuver.detail["maneuverTime"] == m["maneuver_time_utc"]
