"""The events of jobs: ``Job State Change`` (source ``groundlink.jobs``) when a job completes or fails, and one
``Maneuver Detected`` (source ``groundlink.maneuvers``) per maneuver a completed maneuver detection found. The
job store writes them in the same write as the job's change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.domain.events.models import JOB_STATE_CHANGE, MANEUVER_DETECTED, Event, state_change
from shared.domain.jobs.models import Job, JobStatus


def _resource(job: Job) -> dict[str, Any]:
    return {"taskId": job.task_id, "historyId": job.history_id, "kind": job.kind, "name": job.name}


def job_finished(job: Job, status: JobStatus, at: datetime, reason: str | None = None,
                 previous: JobStatus | None = None) -> Event:
    """``job`` (as read before the write; ``previous`` overrides its status) became ``completed`` or ``failed``."""
    return state_change("groundlink.jobs", JOB_STATE_CHANGE, owner=job.owner, at=at, resource=_resource(job),
                        old=previous if previous is not None else job.status, new=status, reason=reason)


def maneuvers_detected(job: Job, at: datetime) -> list[Event]:
    """One event per maneuver in a completed maneuver detection's result."""
    events = []
    for m in (job.result or {}).get("maneuvers", []):
        detail = {"taskId": job.task_id, "historyId": job.history_id, "noradId": m.get("norad_id"),
                  "maneuverTime": m.get("maneuver_time_utc") or m.get("date"), "deltaVMps": m.get("delta_v"),
                  "maneuverType": m.get("maneuver_type"), "probability": m.get("probability"),
                  "detectedAt": at.isoformat().replace("+00:00", "Z")}
        events.append(Event(source="groundlink.maneuvers", detail_type=MANEUVER_DETECTED, owner=job.owner, time=at,
                            detail=detail))
    return events
