"""The jobs use cases, written once for every door: the SSA routes, the pipeline mechanics (seeds 003/004)
and the Step Functions worker all call ``JobsService``.

* pass analysis — validated and recorded ``pending``, then started asynchronously; the worker's ``run``
  computes it (pending/in_progress → in_progress → completed) and ``record_failure`` records the state
  machine's Catch (→ failed). Transitions are conditional: a retried or duplicated step changes nothing
  twice, and a finished job is never recomputed;
* maneuver detection — answered at once from the element-set history and recorded as a completed job;
* a job's status, an owner's history (newest first, paged, filtered by alert) and the alert flag.

A job is visible to its owner and to admin/service callers only (``Principal.can_see``); the owner's email
is recorded on every job, whichever surface started it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.errors import InvalidField, NotFound, Unavailable
from shared.domain.identity import Principal
from shared.domain.jobs.budget import check_work_budget
from shared.domain.jobs.models import FINISHED, Job, JobKind, JobPage, JobStatus, ManeuverRequest, PassAnalysisRequest
from shared.domain.jobs.ports import AccountDirectory, Clock, JobStarter, JobStore, SatelliteCatalog

MANEUVER_LOOKBACK = timedelta(days=30)  # a maneuver search may start at most 30 days back
HISTORY_ENTRY_NOT_FOUND = "Query history entry not found or access denied"


logger = logging.getLogger("groundlink.domain.jobs")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class JobsService:
    def __init__(self, jobs: JobStore, catalog: SatelliteCatalog, starter: JobStarter, accounts: AccountDirectory,
                 clock: Clock | None = None) -> None:
        self.jobs = jobs
        self.catalog = catalog
        self.starter = starter
        self.accounts = accounts
        self.clock: Clock = clock or SystemClock()

    # -- recording ----------------------------------------------------------------------------------
    def owner_email(self, principal: Principal) -> str | None:
        """The token's email claim, else the email registered for the subject (login tokens carry none)."""
        claimed = principal.claims.get("email")
        if isinstance(claimed, str) and claimed:
            return claimed
        return self.accounts.email_of(principal.subject)

    def _new_job(self, kind: JobKind, principal: Principal, request: dict[str, Any], name: str | None) -> Job:
        now = self.clock.now()
        return Job(task_id=str(uuid.uuid4()), history_id=self.jobs.next_history_id(), kind=kind,
                   owner=principal.subject, owner_email=self.owner_email(principal), name=name,
                   request=request, created_at=now, updated_at=now)

    # -- pass analysis ------------------------------------------------------------------------------
    def submit_pass_analysis(self, request: PassAnalysisRequest, principal: Principal) -> Job:
        """Validates against the catalogue and the geometry, records the job ``pending`` and starts it.
        ``Unavailable`` (and the job recorded ``failed``) if it cannot be started."""
        sats = [self.catalog.get_satellite(n) for n in request.norad_ids]
        missing = [n for n, s in zip(request.norad_ids, sats, strict=True) if s is None or s.tle is None]
        if missing:
            raise InvalidField("norad_ids", f"unknown NORAD id(s) (no element set stored): "
                                            f"{', '.join(map(str, missing))}")
        from shared.domain.jobs.analysis.coverage import ground_points  # numpy: loaded only when needed

        try:  # the geometry is checked before anything is queued
            lat, _, _ = ground_points(request.ground_location)
        except ValueError as exc:
            raise InvalidField("ground_location", str(exc)) from None
        check_work_budget(len(request.norad_ids), len(lat), request.date[0], request.date[-1])
        job = self._new_job("pass_analyzer", principal, request.model_dump(mode="json"), request.name)
        self.jobs.create(job)
        try:
            self.starter.start(job.task_id)
        except Exception as exc:  # the job must not linger as pending when its execution never started
            logger.exception("could not start the job", extra={"task_id": job.task_id})
            self.jobs.transition(job.task_id, "failed", error="the job could not be started; submit it again")
            raise Unavailable("the analysis could not be started; please retry") from exc
        return job

    def run(self, task_id: str) -> JobStatus:
        """The worker's step: computes a pending job and records its result. A finished job is left as it
        is. Raises (``ValueError``) when the job cannot be computed: the state machine then records it."""
        job = self.jobs.get(task_id)
        if job is None:
            raise ValueError(f"unknown task {task_id}")
        if job.status in FINISHED:
            return job.status
        self.jobs.transition(task_id, "in_progress", progress=0.1)
        if job.kind != "pass_analyzer":
            raise ValueError(f"no worker for job kind {job.kind}")
        result = self._analyse_passes(PassAnalysisRequest.model_validate(job.request))
        self.jobs.transition(task_id, "completed", progress=1.0, result=result)
        return "completed"

    def record_failure(self, task_id: str, reason: str) -> bool:
        """The worker's failure step: the job becomes ``failed`` with ``reason`` (at most 1000 characters);
        False if it had already finished."""
        changed = self.jobs.transition(task_id, "failed", error=reason[:1000])
        logger.warning("job failed", extra={"task_id": task_id, "recorded": changed})
        return changed

    def _analyse_passes(self, request: PassAnalysisRequest) -> dict[str, Any]:
        from groundlink_orbit import parse_tle

        from shared.domain.jobs.analysis.coverage import analyse

        sets = []
        for norad in request.norad_ids:
            sat = self.catalog.get_satellite(norad)
            if sat is None or sat.tle is None:
                raise ValueError(f"no element set stored for NORAD {norad}")
            sets.append(parse_tle(sat.tle.line1, sat.tle.line2, sat.tle.name or sat.name))
        start, end = request.date[0].timestamp(), request.date[-1].timestamp()
        return analyse(sets, request.ground_location, start, end, request.min_elv_constraint,
                       request.max_elv_constraint, request.time_resolution)

    # -- maneuver detection -------------------------------------------------------------------------
    def detect_maneuvers(self, request: ManeuverRequest, principal: Principal) -> Job:
        """Detects maneuvers in the element-set history and records the answer as a completed job (its
        ``result`` is the answer)."""
        today = self.clock.now().astimezone(UTC).date()
        if request.start_date < today - MANEUVER_LOOKBACK:
            raise InvalidField("start_date", f"must not be older than 30 days ({today - MANEUVER_LOOKBACK})")
        if request.end_date > today:
            raise InvalidField("end_date", f"must not be in the future (today is {today})")
        sats = [self.catalog.get_satellite(n) for n in request.norad_ids]
        missing = [n for n, s in zip(request.norad_ids, sats, strict=True) if s is None]
        if missing:
            raise InvalidField("norad_ids", f"unknown NORAD id(s): {', '.join(map(str, missing))}")
        from shared.domain.jobs.analysis.maneuvers import maneuver_report  # numpy: loaded only when needed

        histories = {n: self.catalog.element_set_history(n) for n in request.norad_ids}
        result = maneuver_report(request.norad_ids, request.start_date, request.end_date, histories,
                                 method=request.maneuver_detection_method, mindv_mps=request.mindv,
                                 maxdv_mps=request.maxdv, name=request.name)
        job = self._new_job("maneuver", principal, request.model_dump(mode="json"), request.name)
        job = job.model_copy(update={"status": "completed", "progress": 1.0, "result": result})
        self.jobs.create(job)
        return job

    # -- reading ------------------------------------------------------------------------------------
    def find(self, task_id: str, principal: Principal) -> Job | None:
        """The job, if it exists and ``principal`` may see it (else None: callers answer not found)."""
        job = self.jobs.get(task_id)
        return job if job is not None and principal.can_see(job.owner) else None

    def status(self, task_id: str, principal: Principal) -> Job:
        job = self.find(task_id, principal)
        if job is None:
            raise NotFound("Task not found")
        return job

    def history(self, principal: Principal, *, alert: bool | None = None, offset: int = 0,
                limit: int = 100) -> JobPage:
        """The caller's own jobs, newest first (by history id), optionally only those with this alert flag."""
        jobs = sorted(self.jobs.list(principal.subject), key=lambda j: j.history_id, reverse=True)
        if alert is not None:
            jobs = [j for j in jobs if j.alert == alert]
        return JobPage(jobs=jobs[offset : offset + limit], total=len(jobs))

    def history_entry(self, history_id: int, principal: Principal) -> Job:
        job = self.jobs.by_history_id(history_id)
        if job is None or not principal.can_see(job.owner):
            raise NotFound(HISTORY_ENTRY_NOT_FOUND)
        return job

    def set_alert(self, principal: Principal, alert: bool, *, history_id: int | None = None,
                  task_id: str | None = None) -> Job:
        """Sets the alert flag of the job named by its history id or task id (when both are given they must
        name the same job)."""
        if history_id is None and task_id is None:
            raise InvalidField("history_id", "either history_id or task_id must be provided")
        job = self.jobs.by_history_id(history_id) if history_id is not None else self.jobs.get(str(task_id))
        if job is None or not principal.can_see(job.owner):
            raise NotFound(HISTORY_ENTRY_NOT_FOUND)
        if task_id is not None and history_id is not None and job.task_id != task_id:
            raise InvalidField("task_id", "history_id and task_id name different entries")
        return self.jobs.set_alert(job.task_id, alert) or job

