"""What every surface's OpenAPI document shares: the error bodies of each surface as models, and
``error_responses`` to declare a route's documented error statuses (the seed's) with that body.

    @router.post("/orbapi/bookings", status_code=201, response_model=BookingCreated,
                 responses=error_responses("orbapi", 400, 401, 403, 404, 409))
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel


class Problem(BaseModel):
    """Space Go (seed 000): ``application/problem+json``."""

    title: str
    detail: str
    trace_id: str


class OrbapiError(BaseModel):
    """orbapi (seed 001)."""

    error: str


class SsaError(BaseModel):
    """SSA backend (seed 002)."""

    detail: str
    status_code: int


class SsaValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class SsaValidationError(BaseModel):
    """SSA backend (seed 002): 422 request validation."""

    detail: list[SsaValidationItem]


class PipelineError(BaseModel):
    """Pipeline mechanics (seeds 003/004)."""

    error: str
    errorMessage: str  # noqa: N815 (seed's field name)


ERROR_MODELS: dict[str, type[BaseModel]] = {
    "spacego": Problem,
    "orbapi": OrbapiError,
    "ssa": SsaError,
    "pipeline": PipelineError,
}


def error_responses(surface: str, *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route's error statuses, each with the surface's error body."""
    model = ERROR_MODELS[surface]
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"description": HTTPStatus(status).phrase, "model": model}
        if surface == "ssa" and status == 422:
            entry["model"] = SsaValidationError
        if surface == "spacego":
            entry["content"] = {"application/problem+json": {}}
        out[status] = entry
    return out
