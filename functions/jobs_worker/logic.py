"""The job worker: the Step Functions tasks of the jobs state machine.

``run``  — pending/in_progress → in_progress → compute → completed (with the result);
``fail`` — the state machine's Catch: in_progress → failed (with the error's message).
Transitions are conditional, so a retried or duplicated task changes nothing twice; a job already
completed is not recomputed.
"""

from __future__ import annotations

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.jobs import JobsRepository
from shared.observability import logger


class JobWorker:
    def __init__(self, jobs: JobsRepository, catalog: CatalogRepository) -> None:
        self.jobs = jobs
        self.catalog = catalog

    def run(self, task_id: str) -> dict:
        job = self.jobs.get(task_id)
        if job is None:
            raise ValueError(f"unknown task {task_id}")
        if job.status in ("completed", "failed"):
            return {"task_id": task_id, "status": job.status}
        self.jobs.transition(task_id, "in_progress", progress=0.1)
        if job.kind != "pass_analyzer":
            raise ValueError(f"no worker for job kind {job.kind}")
        result = self._pass_analysis(job.request)
        self.jobs.transition(task_id, "completed", progress=1.0, result=result)
        return {"task_id": task_id, "status": "completed"}

    def _pass_analysis(self, request: dict) -> dict:
        from datetime import datetime

        from groundlink_orbit import parse_tle

        from shared.analysis.coverage import analyse

        sets = []
        for norad in request["norad_ids"]:
            sat = self.catalog.get_satellite(norad)
            if sat is None or sat.tle is None:
                raise ValueError(f"no element set stored for NORAD {norad}")
            sets.append(parse_tle(sat.tle.line1, sat.tle.line2, sat.tle.name or sat.name))
        dates = [datetime.fromisoformat(d.replace("Z", "+00:00")).timestamp() for d in request["date"]]
        return analyse(sets, request["ground_location"], dates[0], dates[-1], request["min_elv_constraint"],
                       request["max_elv_constraint"], request["time_resolution"])

    def fail(self, task_id: str, error: dict | None) -> dict:
        cause = (error or {}).get("Cause") or (error or {}).get("Error") or "the job failed"
        try:  # Lambda error causes are JSON: keep the message, never a stack trace
            import json

            cause = json.loads(cause).get("errorMessage", cause)
        except (ValueError, AttributeError, TypeError):
            pass
        changed = self.jobs.transition(task_id, "failed", error=str(cause)[:1000])
        logger.warning("job failed", extra={"task_id": task_id, "recorded": changed})
        return {"task_id": task_id, "status": "failed"}
