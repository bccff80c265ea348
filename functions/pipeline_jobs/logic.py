"""Seeds 003/004's asynchronous API mechanics over the same job records as the SSA task status:
``…/initiate`` returns ``{pipelineId, status, nextTry}``; the Tasking API's ``check-status`` reports the
pipeline's status; ``…/retrieve`` returns the result once RESOLVED (409 PIPELINE-NOT-PROCESSED before,
424 with the failure for a FAILED pipeline); listings are cursor-paginated (``{results, cursor}``)."""

from __future__ import annotations

import base64
import json

from functions.ssa_jobs.logic import SsaJobs
from functions.ssa_jobs.models import PassAnalyzerRequest
from shared.domain.errors import Conflict, DependencyFailed, InvalidRequest, NotFound
from shared.domain.identity import Principal
from shared.domain.jobs.models import Job
from shared.timefmt import iso_ms

STATUS = {"pending": "NEW", "in_progress": "PROCESSING", "completed": "RESOLVED", "failed": "FAILED"}
NEXT_TRY_S = {"NEW": 5, "PROCESSING": 5}
PAGE_SIZE = 20


def pipeline_view(job: Job) -> dict:
    status = STATUS[job.status]
    view = {"pipelineId": job.task_id, "status": status, "type": job.kind, "name": job.name,
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


class Pipelines:
    def __init__(self, jobs: SsaJobs) -> None:
        self.jobs = jobs

    def _job(self, pipeline_id: str, principal: Principal) -> Job:
        job = self.jobs.jobs.get(pipeline_id) if len(pipeline_id) <= 64 else None
        if job is None or not principal.can_see(job.owner):
            raise NotFound(f"pipeline {pipeline_id} does not exist", code="NON-EXISTENT-PIPELINE")
        return job

    def initiate(self, req: PassAnalyzerRequest, principal: Principal) -> dict:
        submitted = self.jobs.submit_pass_analysis(req, principal)
        return {"pipelineId": submitted["task_id"], "status": "NEW", "nextTry": NEXT_TRY_S["NEW"]}

    def check_status(self, pipeline_id: str, principal: Principal) -> dict:
        return pipeline_view(self._job(pipeline_id, principal))

    def retrieve(self, pipeline_id: str, principal: Principal) -> dict:
        job = self._job(pipeline_id, principal)
        status = STATUS[job.status]
        if status == "FAILED":
            raise DependencyFailed(f"pipeline {pipeline_id} failed: {job.error or 'unknown reason'}",
                                   code="PIPELINE-FAILED")
        if status != "RESOLVED":
            raise Conflict(f"pipeline {pipeline_id} is {status}: retry in {NEXT_TRY_S[status]} s",
                           code="PIPELINE-NOT-PROCESSED")
        return {"pipelineId": job.task_id, "status": status, **(job.result or {})}

    def list(self, principal: Principal, cursor: str | None) -> dict:
        offset = decode_cursor(cursor)
        jobs = sorted(self.jobs.jobs.list(principal.subject), key=lambda j: j.history_id, reverse=True)
        page = jobs[offset : offset + PAGE_SIZE]
        more = offset + PAGE_SIZE < len(jobs)
        return {"results": [pipeline_view(j) for j in page],
                "cursor": encode_cursor(offset + PAGE_SIZE) if more else None}
