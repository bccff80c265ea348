"""SSA job routes (seed 002): pass analyzer, maneuver detection, task status, query history and alerts —
views of the job records kept by ``shared.domain.jobs``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from shared.domain.errors import InvalidField
from shared.domain.jobs.models import Job, ResultView
from shared.domain.jobs.service import HISTORY_INLINE_LIMIT_BYTES, JobsService
from shared.surfaces.openapi import error_responses
from shared.surfaces.ssa.access import REQUIRE_SSA, SsaCaller, wire_user_id
from shared.surfaces.ssa.job_schemas import (
    AlertFlag,
    AlertUpdate,
    AlertUpdated,
    HistoryEntry,
    ManeuverDetection,
    ManeuverRequest,
    PassAnalyzerRequest,
    PassAnalyzerSubmitted,
    QueryHistory,
    TaskStatus,
)
from shared.timefmt import iso_ms
from shared.wiring.jobs import jobs_service

router = APIRouter(tags=["SSA jobs"], dependencies=[REQUIRE_SSA])

Jobs = Annotated[JobsService, Depends(jobs_service)]
Caller = SsaCaller

HISTORY_ATTRIBUTES = ("id", "user_id", "user_email", "request_type", "type", "request_body", "response_body",
                      "task_id", "status", "alert", "created_at", "updated_at", "name")
ENTRY_ATTRIBUTES = ["id", "user_email", "request_type", "status", "alert", "created_at"]  # the seed's example


# -- views --------------------------------------------------------------------------------------------------
def status_url(job: Job) -> str:
    return f"/v1/pass_analyzer_callback/{job.task_id}/status/"


def submitted_view(job: Job) -> dict[str, Any]:
    return {"task_id": job.task_id, "status_url": status_url(job), "status": job.status, "name": job.name}


def status_view(job: Job, result: ResultView | None = None) -> dict[str, Any]:
    """``result``: the job's result as the service gives it (inline, or a presigned URL to the full JSON)."""
    result = result or ResultView(inline=job.result)
    return {
        "task_id": job.task_id,
        "status": job.status,
        "progress": job.progress,
        "result": result.inline,
        "result_url": result.url,
        "error": job.error,
        "name": job.name,
        "created_at": iso_ms(job.created_at),
        "updated_at": iso_ms(job.updated_at),
    }


def history_view(job: Job, attributes: list[str] | None = None,
                 result_of: Callable[[Job], ResultView] | None = None) -> dict[str, Any]:
    """``result_of`` gives the job's result (read only when ``response_body`` is asked for)."""
    body: dict[str, Any] = {"task_id": job.task_id, "status": job.status}
    if attributes is None or "response_body" in attributes:
        result = result_of(job) if result_of else ResultView(inline=job.result)
        body["result"] = result.inline
        if result.url:
            body["result_url"] = result.url
    full = {
        "id": job.history_id,
        "user_id": wire_user_id(job.owner),
        "user_email": job.owner_email,
        "type": job.kind,
        "request_type": job.kind,
        "name": job.name,
        "request_body": job.request,
        "response_body": body,
        "task_id": job.task_id,
        "status": job.status,
        "alert": job.alert,
        "created_at": iso_ms(job.created_at),
        "updated_at": iso_ms(job.updated_at),
    }
    return {k: full[k] for k in attributes} if attributes else full


def history_result(jobs: JobsService) -> Callable[[Job], ResultView]:
    """A history entry carries its result inline only up to ``HISTORY_INLINE_LIMIT_BYTES`` (a page lists many)."""
    return lambda job: jobs.result_view(job, HISTORY_INLINE_LIMIT_BYTES)


def alert_view(job: Job) -> dict[str, Any]:
    return {"id": job.history_id, "user_email": job.owner_email, "request_type": job.kind, "alert": job.alert,
            "updated_at": iso_ms(job.updated_at), "message": "Query history entry updated successfully"}


def parse_attributes(raw: str | None) -> list[str] | None:
    """``attributes=id,task_id`` → the entry fields to return (None: all)."""
    if raw is None:
        return None
    names = [a.strip() for a in raw.split(",") if a.strip()]
    unknown = [a for a in names if a not in HISTORY_ATTRIBUTES]
    if unknown:
        raise InvalidField("attributes", f"unknown attribute(s) {', '.join(unknown)}; available: "
                                         f"{', '.join(HISTORY_ATTRIBUTES)}", location="query")
    return names or None


# -- routes -------------------------------------------------------------------------------------------------
@router.post("/v1/pass_analyzer/", response_model=PassAnalyzerSubmitted, summary="Pass Analyzer",
             operation_id="pass_analyzer", responses=error_responses("ssa", 400, 401, 403, 422))
def pass_analyzer(body: PassAnalyzerRequest, jobs: Jobs, principal: Caller) -> dict[str, Any]:
    return submitted_view(jobs.submit_pass_analysis(body.to_domain(), principal))


# sic: the seed keeps the typo for backward compatibility
@router.post("/v1/manuaver/", response_model=ManeuverDetection, summary="Maneuver Detection",
             operation_id="maneuver_detection", responses=error_responses("ssa", 401, 403, 422, 503))
def maneuvers(body: ManeuverRequest, jobs: Jobs, principal: Caller) -> dict[str, Any]:
    return jobs.detect_maneuvers(body.to_domain(), principal).result or {}


@router.get("/v1/pass_analyzer_callback/{task_id}/status/", response_model=TaskStatus, summary="Task Status",
            operation_id="task_status", responses=error_responses("ssa", 401, 403, 404))
def task_status(task_id: Annotated[str, Path(min_length=1, max_length=64)], jobs: Jobs,
                principal: Caller) -> dict[str, Any]:
    job = jobs.status(task_id, principal)
    return status_view(job, jobs.result_view(job))


@router.get("/v1/query_history/", response_model=QueryHistory, response_model_exclude_unset=True,
            summary="Get Query History", operation_id="get_query_history",
            responses=error_responses("ssa", 401, 403, 422))
def query_history(jobs: Jobs, principal: Caller, attributes: str | None = Query(default=None, max_length=500),
                  alert: bool | None = None, limit: int = Query(default=100, ge=1, le=1000),
                  offset: int = Query(default=0, ge=0)) -> dict[str, Any]:
    # limit/offset go beyond the seed: they keep a heavy user's history within a Lambda response
    attrs = parse_attributes(attributes)
    page = jobs.history(principal, alert=alert, offset=offset, limit=limit)
    return {"history": [history_view(j, attrs, history_result(jobs)) for j in page.jobs], "total_count": page.total}


@router.get("/v1/query_history/{history_id}", response_model=HistoryEntry, response_model_exclude_unset=True,
            summary="Get Query History by ID", operation_id="get_query_history_entry",
            responses=error_responses("ssa", 401, 403, 404, 422))
def query_history_entry(history_id: Annotated[int, Path(ge=1, le=10**12)], jobs: Jobs, principal: Caller,
                        attributes: str | None = Query(default=None, max_length=500)) -> dict[str, Any]:
    job = jobs.history_entry(history_id, principal)
    return history_view(job, parse_attributes(attributes) or ENTRY_ATTRIBUTES, history_result(jobs))


@router.put("/v1/query_history/alert", response_model=AlertUpdated, summary="Update Query History Alert",
            operation_id="update_query_history_alert", responses=error_responses("ssa", 401, 403, 404, 422))
def update_alert(body: AlertUpdate, jobs: Jobs, principal: Caller) -> dict[str, Any]:
    return alert_view(jobs.set_alert(principal, body.alert, history_id=body.history_id, task_id=body.task_id))


@router.put("/v1/query_history/{history_id}/alert", response_model=AlertUpdated,
            summary="Update Query History Alert by id", operation_id="update_query_history_entry_alert",
            responses=error_responses("ssa", 401, 403, 404, 422))
def update_entry_alert(history_id: Annotated[int, Path(ge=1, le=2**53, description="Query history entry ID")],
                       body: AlertFlag, jobs: Jobs, principal: Caller) -> dict[str, Any]:
    """The same update as ``PUT /v1/query_history/alert``, the entry named in the path."""
    return alert_view(jobs.set_alert(principal, body.alert, history_id=history_id, task_id=None))
