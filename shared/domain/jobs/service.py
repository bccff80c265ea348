"""The jobs use cases, written once for every door: the SSA routes, the pipeline mechanics (seeds 003/004)
and the Step Functions worker all call ``JobsService``.

* pass analysis — validated against the request bounds (``bounds``) and recorded ``pending``, then started
  asynchronously; the state machine's steps (``fanout``: plan, chunks in a Map, merge) claim it for their
  execution (a conditional pending → in_progress write: a second execution of the same job computes nothing),
  compute it in chunks (``progress`` = chunks done / total) and complete it with a pointer to its result in the
  results store (``result_view``: inline up to a limit, else a presigned URL); ``record_failure`` records the
  state machine's Catch (→ failed); ``run`` is every step in one process. Transitions are conditional: a retried or
  duplicated step changes nothing twice, and a finished job is never recomputed;
* jobs always end: ``execution_ended`` records an execution that failed, timed out or was aborted before the
  job did (the execution-status rule), and ``sweep`` fails every job still open ``STUCK_AFTER`` after it was
  submitted (the scheduled sweep), each with a sentence the client can read — never an SDK message;
* maneuver detection — answered at once from the element-set history and recorded as a completed job; an
  ``end_date`` after today is accepted (seed 002 bounds only ``start_date``'s age, the order and the 30-day
  span) and the history is analysed up to now, which the answer states (``analysed_until``, ``message``).
  ``force_data_source`` is never ignored: ``"spacetrack"`` fetches the history from Space-Track (when the
  deployment has credentials, else 422 saying so) and the answer's ``data_source`` says ``spacetrack_api``;
  ``"timescaledb"`` is refused (no such store in this deployment);
* a job's status, an owner's history (newest first, paged, filtered by alert) and the alert flag.

A job is visible to its owner and to admin/service callers only (``Principal.can_see``); the owner's email
is recorded on every job, whichever surface started it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.catalog.freshness import STRICT, FreshnessPolicy
from shared.domain.catalog.models import ElementSetRecord
from shared.domain.errors import InvalidField, NotFound, Unavailable
from shared.domain.identity import Principal
from shared.domain.jobs.bounds import check_request_bounds
from shared.domain.jobs.chunks import CHUNK_BUDGET
from shared.domain.jobs.events import job_finished, maneuvers_detected
from shared.domain.jobs.fanout import PassAnalysisFanout
from shared.domain.jobs.models import (
    FINISHED,
    Job,
    JobError,
    JobKind,
    JobPage,
    JobStatus,
    ManeuverRequest,
    PassAnalysisRequest,
    ResultView,
)
from shared.domain.jobs.ports import (
    AccountDirectory,
    Clock,
    ElementSetSource,
    JobStarter,
    JobStore,
    ResultStore,
    SatelliteCatalog,
)

MANEUVER_LOOKBACK = timedelta(days=30)  # a maneuver search may start at most 30 days back
SPACETRACK_ANCHOR = timedelta(days=3)  # Space-Track is asked from this long before start_date: the set
# before the window anchors the first comparison
TIMESCALEDB_NOT_AVAILABLE = ('"timescaledb" is not available in this deployment; use "spacetrack" or null (the '
                             'element-set history Groundlink stores)')
SPACETRACK_NOT_CONFIGURED = "Space-Track credentials are not configured in this deployment"
HISTORY_ENTRY_NOT_FOUND = "Query history entry not found or access denied"

# The bounds of a job's life. An execution is stopped after EXECUTION_LIMIT (the state machine's TimeoutSeconds,
# ``shared.resources.JOBS_STATE_MACHINE.timeout_s``); a job still pending or in progress STUCK_AFTER its
# submission is failed by the sweep, whatever happened to its execution.
EXECUTION_LIMIT = timedelta(hours=1)
STUCK_AFTER = EXECUTION_LIMIT + timedelta(minutes=10)

# Reasons a client reads: sentences about the job.
REASON_NOT_STARTED = "the job could not be started; submit it again"
REASON_STORAGE = "the job could not read or store its data (the service was busy); submit it again"
REASON_TOO_LONG = "the analysis ran longer than its time limit and was stopped; try fewer satellites or a " \
                  "shorter period"
REASON_UNEXPECTED = "the analysis failed unexpectedly; submit it again"
REASON_TIMED_OUT = f"the job did not finish within {int(EXECUTION_LIMIT.total_seconds() // 60)} minutes and " \
                   "was stopped; submit it again"
REASON_ABORTED = "the job was stopped before it finished; submit it again"
REASON_LOST = "the job ended before it could record its result; submit it again"
REASON_STUCK = f"the job did not finish within {int(STUCK_AFTER.total_seconds() // 60)} minutes of its " \
               "submission and was given up; submit it again"
EXECUTION_END_REASONS = {"TIMED_OUT": REASON_TIMED_OUT, "ABORTED": REASON_ABORTED, "FAILED": REASON_LOST}

# Error names (Python exception types as Lambda reports them, Step Functions' own errors) of a data store or
# network that failed or was busy: the job may succeed when submitted again.
_STORAGE_MARKERS = ("ClientError", "Throttl", "Throughput", "RequestLimitExceeded", "TransactionConflict",
                    "InternalServerError", "ServiceUnavailable", "Unavailable", "EndpointConnection",
                    "ConnectTimeout", "ReadTimeout", "ConnectionClosed", "ConnectionError", "Lambda.")
_TIMEOUTS = ("States.Timeout", "Sandbox.Timedout", "States.HeartbeatTimeout")


def failure_reason(error: str | None, message: str | None) -> str:
    """The sentence a client reads for a failed step: ``error`` is the error's name (the exception type the
    worker raised, or a Step Functions error), ``message`` its message. Only ``JobError`` messages are shown
    as they are; every other error becomes a sentence about the job, never the SDK's text."""
    if error == JobError.__name__ and message:
        return message[:1000]
    if error in _TIMEOUTS:
        return REASON_TOO_LONG
    if error and any(marker in error for marker in _STORAGE_MARKERS):
        return REASON_STORAGE
    return REASON_UNEXPECTED


logger = logging.getLogger("groundlink.domain.jobs")


def _analysed_range(start: date, end: date, analysed_until: date, today: date) -> dict[str, Any]:
    """What a maneuver answer says about the days it covered: the requested range is echoed in
    ``date_range``; ``analysed_until`` is the last UTC day analysed and ``message`` says why when it is
    before ``end_date`` (``None`` when the whole range was analysed)."""
    message = None
    if start > today:
        message = f"start_date {start} is after today ({today}): no element set exists yet, nothing was analysed"
    elif analysed_until < end:
        message = (f"end_date {end} is after today ({today}): the element-set history was analysed from {start} "
                   f"up to now")
    return {"date_range": {"start_date": start.isoformat(), "end_date": end.isoformat()},
            "analysed_until": analysed_until.isoformat(), "message": message}


# A finished pass analysis's result is stored apart (the results bucket). A response carries it inline up to
# INLINE_LIMIT_BYTES of JSON (API Gateway answers at most 10 MB, Lambda at most 6 MB: 5 MB leaves room for the
# rest of the body), and beyond that a presigned URL to the full JSON, valid RESULT_URL_EXPIRES_S. A history
# page lists up to 100 entries: each carries its result inline only up to HISTORY_INLINE_LIMIT_BYTES.
INLINE_LIMIT_BYTES = 5_000_000
HISTORY_INLINE_LIMIT_BYTES = 50_000
RESULT_URL_EXPIRES_S = 3600


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class JobsService:
    def __init__(self, jobs: JobStore, catalog: SatelliteCatalog, starter: JobStarter, accounts: AccountDirectory,
                 clock: Clock | None = None, spacetrack: ElementSetSource | None = None,
                 freshness: FreshnessPolicy = STRICT, *, results: ResultStore | None = None,
                 inline_limit_bytes: int = INLINE_LIMIT_BYTES, chunk_budget: int = CHUNK_BUDGET) -> None:
        self.jobs = jobs
        self.results = results  # None: a deployment that runs no pass analysis (its steps refuse)
        self.inline_limit_bytes = inline_limit_bytes
        self.chunk_budget = chunk_budget
        self.freshness = freshness
        self.spacetrack = spacetrack  # None: no Space-Track credentials in this deployment
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
        check_request_bounds(len(request.norad_ids), request.date[0], request.date[-1], request.time_resolution)
        sets = self.catalog.current_element_sets(request.norad_ids)
        missing = [n for n in request.norad_ids if n not in sets]
        if missing:
            raise InvalidField("norad_ids", f"unknown NORAD id(s) (no element set stored): "
                                            f"{', '.join(map(str, missing))}")
        from shared.domain.jobs.analysis.coverage import ground_points  # numpy: loaded only when needed

        try:  # the geometry is checked before anything is queued
            lat, _, _ = ground_points(request.ground_location)
        except ValueError as exc:  # an AnalysisError carries its seed-004 code (EXTENT-TOO-SMALL…)
            raise InvalidField("ground_location", str(exc), code=getattr(exc, "code", None)) from None
        job = self._new_job("pass_analyzer", principal, request.model_dump(mode="json"), request.name)
        self.jobs.create(job)
        try:
            self.starter.start(job.task_id)
        except Exception as exc:  # the job must not linger as pending when its execution never started
            logger.exception("could not start the job", extra={"task_id": job.task_id})
            self.jobs.transition(job.task_id, "failed", error=REASON_NOT_STARTED,
                                 events=[job_finished(job, "failed", self.clock.now(), REASON_NOT_STARTED)])
            raise Unavailable("the analysis could not be started; please retry") from exc
        return job

    @property
    def fanout(self) -> PassAnalysisFanout:
        """The pass analysis's steps (plan, chunk, merge, chunk failure) on this service's stores."""
        if self.results is None:
            raise JobError("pass analyses cannot be computed in this deployment (no results store)")
        return PassAnalysisFanout(self.jobs, self.catalog, self.results, self.clock, self.freshness,
                                  self.chunk_budget)

    def run(self, task_id: str, execution_id: str) -> JobStatus:
        """A direct run of every step in this process (tests, tools): claims the job for ``execution_id``,
        computes its chunks one after another and merges them. A finished job, or one another execution
        holds, is left as it is (its status is answered). Raises ``JobError`` when the job cannot be computed."""
        job = self.jobs.get(task_id)
        if job is None:
            raise JobError("the job is not recorded any more")
        if job.status in FINISHED:
            return job.status
        status = self.fanout.run_all(task_id, execution_id)
        current = self.jobs.get(task_id)
        return current.status if current else status

    def result_view(self, job: Job, limit_bytes: int | None = None) -> ResultView:
        """The job's result as a response carries it: inline up to ``limit_bytes`` of JSON (the service's
        ``inline_limit_bytes`` by default), else a presigned URL to the full document. Empty while there is
        none."""
        if job.result is not None or job.result_key is None:
            return ResultView(inline=job.result)
        limit = self.inline_limit_bytes if limit_bytes is None else limit_bytes
        if self.results is None:
            raise Unavailable("the analysis's result cannot be read in this deployment")
        if job.result_bytes is not None and job.result_bytes <= limit:
            return ResultView(inline=self.results.get(job.result_key), size_bytes=job.result_bytes)
        return ResultView(url=self.results.url(job.result_key, RESULT_URL_EXPIRES_S),
                          url_expires_s=RESULT_URL_EXPIRES_S, size_bytes=job.result_bytes)

    def record_failure(self, task_id: str, reason: str) -> bool:
        """The worker's failure step: the job becomes ``failed`` with ``reason`` (a sentence, at most 1000
        characters); False if it had already finished otherwise."""
        job = self.jobs.get(task_id)
        events = [job_finished(job, "failed", self.clock.now(), reason[:1000])] if job and job.status not in FINISHED \
            else []
        changed = self.jobs.transition(task_id, "failed", error=reason[:1000], events=events)
        logger.warning("job failed", extra={"task_id": task_id, "recorded": changed})
        return changed

    def execution_ended(self, task_id: str, status: str, execution_id: str | None = None) -> bool:
        """An execution of the job ended ``FAILED``, ``TIMED_OUT`` or ``ABORTED`` (``SUCCEEDED`` and others
        change nothing): a job it left open becomes ``failed`` with a sentence saying why. A job another
        execution holds is left to that one. True if the job failed."""
        reason = EXECUTION_END_REASONS.get(status)
        if reason is None:
            return False
        job = self.jobs.get(task_id)
        if job is None or job.status in FINISHED:
            return False
        if execution_id and job.execution_id and job.execution_id != execution_id:
            return False
        changed = self.jobs.transition(task_id, "failed", error=reason,
                                       events=[job_finished(job, "failed", self.clock.now(), reason)])
        logger.warning("job left open by its execution", extra={"task_id": task_id, "execution_status": status,
                                                                "recorded": changed})
        return changed

    def sweep(self, now: datetime | None = None) -> list[str]:
        """Fails every job still pending or in progress ``STUCK_AFTER`` after its submission (whatever became
        of its execution). Returns the task ids it failed."""
        at = now or self.clock.now()
        cutoff = at - STUCK_AFTER
        failed = [job.task_id for job in self.jobs.open_jobs(cutoff)
                  if self.jobs.transition(job.task_id, "failed", error=REASON_STUCK,
                                          events=[job_finished(job, "failed", at, REASON_STUCK)])]
        if failed:
            logger.warning("stuck jobs failed by the sweep", extra={"task_ids": failed})
        return failed

    # -- maneuver detection -------------------------------------------------------------------------
    def detect_maneuvers(self, request: ManeuverRequest, principal: Principal) -> Job:
        """Detects maneuvers in the element-set history and records the answer as a completed job (its
        ``result`` is the answer)."""
        today = self.clock.now().astimezone(UTC).date()
        if request.start_date < today - MANEUVER_LOOKBACK:
            raise InvalidField("start_date", f"must not be older than 30 days ({today - MANEUVER_LOOKBACK})")
        if request.force_data_source == "timescaledb":
            raise InvalidField("force_data_source", TIMESCALEDB_NOT_AVAILABLE)
        if request.force_data_source == "spacetrack" and self.spacetrack is None:
            raise InvalidField("force_data_source", SPACETRACK_NOT_CONFIGURED)
        analysed_until = min(request.end_date, today)  # no element set exists after now
        from shared.domain.jobs.analysis.maneuvers import maneuver_report  # numpy: loaded only when needed

        histories: Mapping[int, Sequence[ElementSetRecord]]
        if request.force_data_source == "spacetrack" and self.spacetrack is not None:
            histories = self._spacetrack_histories(request, analysed_until)
        else:
            sats = [self.catalog.get_satellite(n) for n in request.norad_ids]
            missing = [n for n, s in zip(request.norad_ids, sats, strict=True) if s is None]
            if missing:
                raise InvalidField("norad_ids", f"unknown NORAD id(s): {', '.join(map(str, missing))}")
            histories = {n: self.catalog.element_set_history(n) for n in request.norad_ids}
        result = maneuver_report(request.norad_ids, request.start_date, analysed_until, histories,
                                 method=request.maneuver_detection_method, mindv_mps=request.mindv,
                                 maxdv_mps=request.maxdv, name=request.name)
        if request.force_data_source == "spacetrack":
            result["data_source"] = "spacetrack_api"
        result.update(_analysed_range(request.start_date, request.end_date, analysed_until, today))
        job = self._new_job("maneuver", principal, request.model_dump(mode="json"), request.name)
        job = job.model_copy(update={"status": "completed", "progress": 1.0, "result": result})
        now = self.clock.now()
        self.jobs.create(job, events=[job_finished(job, "completed", now, previous="pending"),
                                      *maneuvers_detected(job, now)])
        return job

    def _spacetrack_histories(self, request: ManeuverRequest,
                              analysed_until: date) -> dict[int, list[ElementSetRecord]]:
        """Space-Track's element sets of the requested satellites, from a little before ``start_date`` (the
        anchor set) to the end of ``analysed_until``; nothing is asked for a period wholly in the future."""
        assert self.spacetrack is not None
        if request.start_date > analysed_until:
            return {}
        start = datetime.combine(request.start_date, datetime.min.time(), UTC) - SPACETRACK_ANCHOR
        end = datetime.combine(analysed_until, datetime.min.time(), UTC) + timedelta(days=1)
        histories = self.spacetrack.history(request.norad_ids, start, end)
        logger.info("element sets fetched from Space-Track",
                    extra={"norad_ids": request.norad_ids, "sets": sum(len(h) for h in histories.values())})
        return histories

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

