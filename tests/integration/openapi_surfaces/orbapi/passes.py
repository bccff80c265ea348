from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.http import caller
from shared.surfaces.openapi import error_responses

router = APIRouter()


class PassSearch(BaseModel):
    noradId: int  # noqa: N815


@router.post("/orbapi/passes/search", responses=error_responses("orbapi", 400, 401, 403))
def search(body: PassSearch, principal: Principal = caller("passes:read")) -> dict[str, int]:
    return {"total": 0}


@router.get("/orbapi/gs")
def stations(start: int = 0, principal: Principal = caller()) -> dict[str, int]:
    return {"total": 0}
