"""SSA jobs: pass analysis (asynchronous, Step Functions), maneuver detection (answered at once, recorded
as a completed job), task status and query history — all views of one job record."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.exceptions import RequestValidationError

from functions.ssa_jobs.models import AlertUpdate, ManeuverRequest, PassAnalyzerRequest
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.jobs import JobsRepository
from shared.domain.errors import NotFound, Unavailable
from shared.domain.identity import Principal
from shared.domain.jobs.models import Job
from shared.observability import logger
from shared.timefmt import iso_ms, utcnow

HISTORY_ATTRIBUTES = ("id", "user_id", "user_email", "request_type", "type", "request_body", "response_body",
                      "task_id", "status", "alert", "created_at", "updated_at", "name")
MANEUVER_LOOKBACK = timedelta(days=30)  # seed 002: start_date not older than 30 days


def invalid(field: str, msg: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": msg, "type": "value_error"}])


def status_view(job: Job) -> dict:
    return {
        "task_id": job.task_id,
        "status": job.status,
        "progress": job.progress,
        "result": job.result,
        "error": job.error,
        "name": job.name,
        "created_at": iso_ms(job.created_at),
        "updated_at": iso_ms(job.updated_at),
    }


def history_view(job: Job, attributes: list[str] | None = None) -> dict:
    full = {
        "id": job.history_id,
        "user_id": job.owner,
        "user_email": job.owner_email,
        "type": job.kind,
        "request_type": job.kind,
        "name": job.name,
        "request_body": job.request,
        "response_body": {"task_id": job.task_id, "status": job.status, "result": job.result},
        "task_id": job.task_id,
        "status": job.status,
        "alert": job.alert,
        "created_at": iso_ms(job.created_at),
        "updated_at": iso_ms(job.updated_at),
    }
    return {k: full[k] for k in attributes} if attributes else full


def parse_attributes(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    names = [a.strip() for a in raw.split(",") if a.strip()]
    unknown = [a for a in names if a not in HISTORY_ATTRIBUTES]
    if unknown:
        raise RequestValidationError([{"loc": ("query", "attributes"), "type": "value_error",
                                       "msg": f"unknown attribute(s) {', '.join(unknown)}; available: "
                                              f"{', '.join(HISTORY_ATTRIBUTES)}"}])
    return names or None


class SsaJobs:
    def __init__(self, jobs: JobsRepository, catalog: CatalogRepository, start: Callable[[str], None],
                 email_of: Callable[[Principal], str | None] | None = None) -> None:
        self.jobs = jobs
        self.catalog = catalog
        self.start = start
        self.email_of = email_of or (lambda principal: principal.claims.get("email"))

    def _new_job(self, kind: str, principal: Principal, request: dict, name: str | None) -> Job:
        now = utcnow()
        return Job(task_id=str(uuid.uuid4()), history_id=self.jobs.next_history_id(), kind=kind,
                   owner=principal.subject, owner_email=self.email_of(principal), name=name,
                   request=request, created_at=now, updated_at=now)

    def _known(self, norad_ids: list[int]) -> list:
        sats = [self.catalog.get_satellite(n) for n in norad_ids]
        missing = [n for n, s in zip(norad_ids, sats, strict=True) if s is None or s.tle is None]
        if missing:
            raise invalid("norad_ids", f"unknown NORAD id(s) (no element set stored): "
                                       f"{', '.join(map(str, missing))}")
        return sats

    def submit_pass_analysis(self, req: PassAnalyzerRequest, principal: Principal) -> dict:
        self._known(req.norad_ids)
        from shared.analysis.coverage import ground_points  # validates the geometry before queueing

        try:
            ground_points(req.ground_location.model_dump())
        except ValueError as exc:
            raise invalid("ground_location", str(exc)) from None
        job = self._new_job("pass_analyzer", principal, req.model_dump(mode="json"), req.name)
        self.jobs.create(job)
        try:
            self.start(job.task_id)
        except Exception as exc:  # the job must not linger as pending when its execution never started
            logger.exception("could not start the job", extra={"task_id": job.task_id})
            self.jobs.transition(job.task_id, "failed", error="the job could not be started; submit it again")
            raise Unavailable("the analysis could not be started; please retry") from exc
        return {"task_id": job.task_id, "status_url": f"/v1/pass_analyzer_callback/{job.task_id}/status/",
                "status": job.status, "name": job.name}

    def _owned(self, job: Job | None, principal: Principal, what: str) -> Job:
        if job is None or not principal.can_see(job.owner):
            raise NotFound(what)
        return job

    def status(self, task_id: str, principal: Principal) -> dict:
        return status_view(self._owned(self.jobs.get(task_id), principal, "Task not found"))

    def history(self, principal: Principal, attributes: str | None, alert: bool | None, *, limit: int = 100,
                offset: int = 0) -> dict:
        attrs = parse_attributes(attributes)
        jobs = sorted(self.jobs.list(principal.subject), key=lambda j: j.history_id, reverse=True)
        if alert is not None:
            jobs = [j for j in jobs if j.alert == alert]
        page = jobs[offset : offset + limit]
        return {"history": [history_view(j, attrs) for j in page], "total_count": len(jobs)}

    def history_entry(self, history_id: int, principal: Principal, attributes: str | None) -> dict:
        job = self._owned(self.jobs.by_history_id(history_id), principal,
                          "Query history entry not found or access denied")
        return history_view(job, parse_attributes(attributes) or
                            ["id", "user_email", "request_type", "status", "alert", "created_at"])

    def set_alert(self, body: AlertUpdate, principal: Principal) -> dict:
        job = self.jobs.by_history_id(body.history_id) if body.history_id is not None else self.jobs.get(body.task_id)
        job = self._owned(job, principal, "Query history entry not found or access denied")
        if body.task_id is not None and body.history_id is not None and job.task_id != body.task_id:
            raise invalid("task_id", "history_id and task_id name different entries")
        updated = self.jobs.set_alert(job.task_id, body.alert) or job
        return {"id": updated.history_id, "user_email": updated.owner_email, "request_type": updated.kind,
                "alert": updated.alert, "updated_at": iso_ms(updated.updated_at),
                "message": "Query history entry updated successfully"}

    def detect_maneuvers(self, req: ManeuverRequest, principal: Principal) -> dict:
        from groundlink_orbit import parse_tle

        from shared.analysis.maneuvers import detect, semi_major_axis_km

        today = utcnow().date()
        if req.start_date < today - MANEUVER_LOOKBACK:
            raise invalid("start_date", f"must not be older than 30 days ({today - MANEUVER_LOOKBACK})")
        if req.end_date > today:
            raise invalid("end_date", f"must not be in the future (today is {today})")
        sats = [self.catalog.get_satellite(n) for n in req.norad_ids]
        missing = [n for n, s in zip(req.norad_ids, sats, strict=True) if s is None]
        if missing:
            raise invalid("norad_ids", f"unknown NORAD id(s): {', '.join(map(str, missing))}")
        start = datetime.combine(req.start_date, datetime.min.time(), UTC)
        end = datetime.combine(req.end_date, datetime.min.time(), UTC) + timedelta(days=1)
        maneuvers, plots = [], {}
        for norad in req.norad_ids:
            history = self.catalog.element_set_history(norad)
            before = [h for h in history if h.epoch < start]
            inside = [h for h in history if start <= h.epoch < end]
            chosen = before[-1:] + inside  # the last set before the window anchors the first comparison
            sets = [parse_tle(h.line1, h.line2, h.name) for h in chosen]
            found, series = detect(sets, method=req.maneuver_detection_method, mindv_mps=req.mindv,
                                   maxdv_mps=req.maxdv)
            plots[str(norad)] = series
            for m in found:
                a0 = float(semi_major_axis_km(m.before.mean_motion_rev_per_day))
                a1 = float(semi_major_axis_km(m.after.mean_motion_rev_per_day))
                when = datetime.fromtimestamp((m.before.epoch_unix_s + m.after.epoch_unix_s) / 2, UTC)
                maneuvers.append({
                    "norad_id": norad,
                    "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "delta_v": round(m.delta_v_mps, 4),
                    "maneuver_type": m.maneuver_type,
                    "orbital_elements_before": {"semi_major_axis": round(a0, 3), "eccentricity": m.before.eccentricity,
                                                "inclination": m.before.inclination_deg},
                    "orbital_elements_after": {"semi_major_axis": round(a1, 3), "eccentricity": m.after.eccentricity,
                                               "inclination": m.after.inclination_deg},
                    "sgp4_delta_v_mps": round(m.sgp4_delta_v_mps, 4),
                    "maneuver_time_utc": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "position_error_m": round(m.position_error_m, 1),
                    "dv_vector_kmps": [round(x, 7) for x in m.dv_vector_kmps],
                    "time_series_data": {"epoch_before": m.before.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                         "epoch_after": m.after.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ")},
                    "probability": m.probability,
                })
        maneuvers.sort(key=lambda m: (m["date"], m["norad_id"]))
        types = Counter(m["maneuver_type"] for m in maneuvers)
        result = {
            "norad_ids": req.norad_ids,
            "date_range": {"start_date": req.start_date.isoformat(), "end_date": req.end_date.isoformat()},
            "maneuvers": maneuvers,
            "total_maneuvers": len(maneuvers),
            "data_source": "groundlink_element_set_history",
            "name": req.name,
            "time_series_plot_data": plots,
            "Maneuver_magnitude": [m["delta_v"] for m in maneuvers],
            "Epoch_start": [m["time_series_data"]["epoch_before"] for m in maneuvers],
            "Epoch_end": [m["time_series_data"]["epoch_after"] for m in maneuvers],
            "Maneuver_type": types.most_common(1)[0][0] if types else None,
            "probability": [m["probability"] for m in maneuvers],
        }
        job = self._new_job("maneuver", principal, req.model_dump(mode="json"), req.name)
        self.jobs.create(job.model_copy(update={"status": "completed", "progress": 1.0, "result": result}))
        return result
