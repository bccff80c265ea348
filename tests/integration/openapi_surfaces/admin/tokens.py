from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from shared.domain.identity import Principal
from shared.http import caller
from shared.surfaces.openapi import error_responses

router = APIRouter()


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return principal


@router.get("/admin/api-tokens", dependencies=[Depends(_admin)], responses=error_responses("orbapi", 401, 403))
def list_tokens() -> dict[str, list[str]]:
    return {"tokens": []}
