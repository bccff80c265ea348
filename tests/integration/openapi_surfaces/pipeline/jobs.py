from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.http import caller
from shared.surfaces.openapi import error_responses

router = APIRouter()


class PipelineRef(BaseModel):
    pipelineId: str  # noqa: N815


@router.post("/pipeline/pass-analysis/retrieve", responses=error_responses("pipeline", 401, 424))
def retrieve(body: PipelineRef, principal: Principal = caller("pipeline.pass-analysis")) -> dict[str, str]:
    return {}


@router.get("/pipeline/pass-analysis")
def listing(cursor: str | None = None, principal: Principal = caller("pipeline.tasking")) -> dict[str, str]:
    return {}
