"""Seeds 003/004's asynchronous API mechanics over the job records (the same records as the SSA task status
and query history): ``…/initiate`` returns ``{pipelineId, status, nextTry}``; the Tasking API's
``check-status`` (and ``get-status``, which SpaceKnow clients poll) reports the pipeline's status;
``…/retrieve`` returns the result once RESOLVED (409 PIPELINE-NOT-PROCESSED before, 424 with the code recorded
on the failed job, else PIPELINE-FAILED); listings are cursor-paginated (``{results, cursor}``). Permissions
follow seed 004's dot-separated rule (``pipeline`` grants ``pipeline.pass-analysis``); a missing one is 401.
A pipeline's own permission covers its status checks. Body limit, 404/405/OPTIONS: ``mechanics``."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import Conflict, DependencyFailed, InvalidField, InvalidRequest, NotFound, Unprocessable
from shared.domain.identity import Principal
from shared.domain.jobs.models import Job, JobStatus
from shared.domain.jobs.service import INLINE_LIMIT_BYTES, RESULT_URL_EXPIRES_S, JobsService
from shared.surfaces.openapi import error_responses
from shared.surfaces.pipeline.mechanics import permitted, require
from shared.surfaces.ssa.job_schemas import PassAnalyzerRequest
from shared.timefmt import iso_ms
from shared.wiring.jobs import jobs_service

router = APIRouter(tags=["Pipelines"])

Jobs = Annotated[JobsService, Depends(jobs_service)]
PassAnalysisCaller = Annotated[Principal, permitted("pipeline.pass-analysis")]
TaskingCaller = Annotated[Principal, permitted("pipeline.tasking")]
# the status checks: the Tasking permission, or the permission of the kind of pipeline checked (below)
StatusCaller = Annotated[Principal, permitted("pipeline.tasking", "pipeline.pass-analysis")]
PipelineStatusName = Literal["NEW", "PROCESSING", "RESOLVED", "FAILED"]

STATUS: dict[JobStatus, PipelineStatusName] = {"pending": "NEW", "in_progress": "PROCESSING",
                                               "completed": "RESOLVED", "failed": "FAILED"}
NEXT_TRY_S: dict[str, int] = {"NEW": 5, "PROCESSING": 5}
KIND_PERMISSION: dict[str, str] = {"pass_analyzer": "pipeline.pass-analysis"}
PAGE_SIZE = 20
MAX_PIPELINE_ID = 64


# -- schemas ------------------------------------------------------------------------------------------------
class PipelineRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pipelineId: str = Field(min_length=1, max_length=MAX_PIPELINE_ID)  # noqa: N815 (seed's field name)


class ListRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(default=None, max_length=200)


class Initiated(BaseModel):
    """``…/initiate`` (seed 003)."""

    pipelineId: str  # noqa: N815 (seed's field names)
    status: PipelineStatusName
    nextTry: int  # noqa: N815


class PipelineStatus(BaseModel):
    """A pipeline as check-status and the listing show it; ``nextTry`` only while it is not finished."""

    pipelineId: str  # noqa: N815 (seed's field names)
    status: PipelineStatusName
    type: str
    name: str | None
    createdAt: str  # noqa: N815
    updatedAt: str  # noqa: N815
    nextTry: int | None = None  # noqa: N815


class PipelineResult(BaseModel):
    """``…/retrieve``: the pipeline's id and status, and the result's own fields beside them."""

    model_config = ConfigDict(extra="allow")

    pipelineId: str  # noqa: N815 (seed's field name)
    status: PipelineStatusName
    tleEpoch: dict[str, str] | None = Field(default=None, description="Pass analysis: the epoch of each "  # noqa: N815
                                            "satellite's element set used, by NORAD id")
    tleAgeDays: dict[str, float] | None = Field(default=None, description="Their ages when the analysis ran, "  # noqa: N815
                                                "in days")
    tleWarning: dict[str, str] | None = Field(default=None, description="A warning for each set older than "  # noqa: N815
                                              "the warning threshold")
    resultUrl: str | None = Field(default=None, description=(  # noqa: N815
        f"Beyond the seed: when the result's JSON is larger than {INLINE_LIMIT_BYTES:,} bytes (a response stays "
        "under API Gateway's and Lambda's limits), its fields are not inline and this presigned HTTPS URL (GET, no "
        f"Authorization header) gives the full result document, valid {RESULT_URL_EXPIRES_S} seconds from this "
        "response (retrieve again for a fresh one). Results are kept 30 days. Absent otherwise."))


# the result's element-set fields as this surface names them
RESULT_FIELDS = {"tle_epoch": "tleEpoch", "tle_age_days": "tleAgeDays", "tle_warning": "tleWarning"}


class PipelinePage(BaseModel):
    """A cursor page (seed 003): ``cursor`` is null on the last page."""

    results: list[PipelineStatus]
    cursor: str | None


# -- views --------------------------------------------------------------------------------------------------
def pipeline_view(job: Job) -> dict[str, Any]:
    status = STATUS[job.status]
    view: dict[str, Any] = {"pipelineId": job.task_id, "status": status, "type": job.kind, "name": job.name,
                            "createdAt": iso_ms(job.created_at), "updatedAt": iso_ms(job.updated_at)}
    if status in NEXT_TRY_S:
        view["nextTry"] = NEXT_TRY_S[status]
    return view


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
        if not isinstance(offset, int) or offset < 0:
            raise ValueError
        return offset
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidRequest("the paging cursor is invalid", code="INVALID-CURSOR") from None


def pipeline(jobs: JobsService, pipeline_id: str, principal: Principal) -> Job:
    job = jobs.find(pipeline_id, principal) if len(pipeline_id) <= MAX_PIPELINE_ID else None
    if job is None:
        raise NotFound(f"pipeline {pipeline_id} does not exist", code="NON-EXISTENT-PIPELINE")
    return job


def status_of_pipeline(jobs: JobsService, pipeline_id: str, principal: Principal) -> dict[str, Any]:
    job = pipeline(jobs, pipeline_id, principal)
    if not principal.allows("pipeline.tasking"):
        require(principal, KIND_PERMISSION.get(job.kind, "pipeline.tasking"))
    return pipeline_view(job)


# -- routes -------------------------------------------------------------------------------------------------
@router.post("/pipeline/pass-analysis/initiate", response_model=Initiated, summary="Initiate a pass analysis",
             operation_id="pass_analysis_initiate", responses=error_responses("pipeline", 401, 422, 503))
def initiate(body: PassAnalyzerRequest, jobs: Jobs, principal: PassAnalysisCaller) -> dict[str, Any]:
    try:
        job = jobs.submit_pass_analysis(body.to_domain(), principal)
    except InvalidField as exc:
        if exc.code != InvalidField.code:  # a specific code (EXTENT-TOO-SMALL…): the pipeline body carries it
            raise Unprocessable(exc.message, code=exc.code, field=exc.field) from None
        raise
    return {"pipelineId": job.task_id, "status": "NEW", "nextTry": NEXT_TRY_S["NEW"]}


@router.post("/pipeline/pass-analysis/retrieve", response_model=PipelineResult, response_model_exclude_unset=True,
             summary="Retrieve a pass analysis", operation_id="pass_analysis_retrieve",
             responses=error_responses("pipeline", 401, 404, 409, 422, 424))
def retrieve(body: PipelineRef, jobs: Jobs, principal: PassAnalysisCaller) -> dict[str, Any]:
    job = pipeline(jobs, body.pipelineId, principal)
    status = STATUS[job.status]
    if status == "FAILED":
        raise DependencyFailed(f"pipeline {job.task_id} failed: {job.error or 'unknown reason'}",
                               code=job.error_code or "PIPELINE-FAILED")
    if status != "RESOLVED":
        raise Conflict(f"pipeline {job.task_id} is {status}: retry in {NEXT_TRY_S[status]} s",
                       code="PIPELINE-NOT-PROCESSED")
    view = jobs.result_view(job)
    if view.url is not None:  # too large for a response: where the full JSON is
        return {"pipelineId": job.task_id, "status": status, "resultUrl": view.url}
    result = {RESULT_FIELDS.get(k, k): v for k, v in (view.inline or {}).items()}
    return {"pipelineId": job.task_id, "status": status, **result}


STATUS_DESCRIPTION = ("Allowed with `pipeline.tasking`, or with the permission of the pipeline checked "
                      "(`pipeline.pass-analysis` for a pass analysis).")


@router.post("/tasking/check-status", response_model=PipelineStatus, response_model_exclude_unset=True,
             summary="Check a pipeline's status", operation_id="tasking_check_status",
             description=STATUS_DESCRIPTION, responses=error_responses("pipeline", 401, 404, 422))
def check_status(body: PipelineRef, jobs: Jobs, principal: StatusCaller) -> dict[str, Any]:
    return status_of_pipeline(jobs, body.pipelineId, principal)


@router.post("/tasking/get-status", response_model=PipelineStatus, response_model_exclude_unset=True,
             summary="Get a pipeline's status", operation_id="tasking_get_status",
             description=f"{STATUS_DESCRIPTION} The same as `/tasking/check-status`, under the name SpaceKnow "
                         "clients poll.", responses=error_responses("pipeline", 401, 404, 422))
def get_status(body: PipelineRef, jobs: Jobs, principal: StatusCaller) -> dict[str, Any]:
    return status_of_pipeline(jobs, body.pipelineId, principal)


@router.post("/tasking/list", response_model=PipelinePage, response_model_exclude_unset=True,
             summary="List pipelines", operation_id="tasking_list",
             responses=error_responses("pipeline", 400, 401, 422))
def list_pipelines(jobs: Jobs, principal: TaskingCaller, body: ListRequest | None = None) -> dict[str, Any]:
    offset = decode_cursor(body.cursor if body else None)
    page = jobs.history(principal, offset=offset, limit=PAGE_SIZE)
    more = offset + PAGE_SIZE < page.total
    return {"results": [pipeline_view(j) for j in page.jobs],
            "cursor": encode_cursor(offset + PAGE_SIZE) if more else None}
