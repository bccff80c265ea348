"""Pipeline mechanics (seeds 003/004): error bodies ``{"error": "CODE", "errorMessage": "…"}``, permissions
checked with seed 004's dot-separated rule (``pipeline`` grants ``pipeline.pass-analysis``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from functions.pipeline_jobs.logic import Pipelines
from functions.ssa_jobs.logic import SsaJobs
from functions.ssa_jobs.models import PassAnalyzerRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.jobs import jobs_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app
from shared.jobs_runner import start_job

app = create_app("pipeline", "Groundlink pipelines")


class PipelineRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pipelineId: str = Field(min_length=1, max_length=64)  # noqa: N815 (seed's field name)


class ListRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(default=None, max_length=200)


def pipelines() -> Pipelines:
    return Pipelines(SsaJobs(jobs_repository(), catalog_repository(), start_job))


@app.post("/pipeline/pass-analysis/initiate")
def initiate(body: PassAnalyzerRequest, principal: Principal = caller("pipeline.pass-analysis")) -> dict:
    return pipelines().initiate(body, principal)


@app.post("/pipeline/pass-analysis/retrieve")
def retrieve(body: PipelineRef, principal: Principal = caller("pipeline.pass-analysis")) -> dict:
    return pipelines().retrieve(body.pipelineId, principal)


@app.post("/tasking/check-status")
def check_status(body: PipelineRef, principal: Principal = caller("pipeline.tasking")) -> dict:
    return pipelines().check_status(body.pipelineId, principal)


@app.post("/tasking/list")
def list_pipelines(body: ListRequest | None = None, principal: Principal = caller("pipeline.tasking")) -> dict:
    return pipelines().list(principal, body.cursor if body else None)
