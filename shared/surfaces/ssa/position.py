"""SSA current satellite position (seed 002, "Get Current Satellite Position"). The ``ssa``
permission (else 403).

``POST /v1/get_current_position`` ``{"norad_ids": [int]}`` (1..100 ids, no duplicates) →

    {"timestamp": "<now, ISO 8601 UTC, ms>",
     "positions": [{"norad_id", "name", "epoch" (of the element set used),
                    "latitude", "longitude", "altitude_km" (WGS-84), "velocity_km_s" (inertial speed),
                    "trajectory": [{"timestamp", "latitude", "longitude", "altitude_km"}, ...]}]}

The trajectory starts at ``timestamp`` and runs every 60 s for the next 1.5 h (91 points). Positions come
in request order. Unknown ids: ``404 {"detail": "satellite(s) not found: 1, 2", "status_code": 404}``.
A satellite that cannot be propagated now (SGP4 error, no element set) has ``"error": "<reason>"``
instead of the numbers; one whose propagation fails within the 1.5 h keeps the points before it and a
``"warning"``. Every satellite with an element set carries ``tle_age_days`` (the age of the set named by
``epoch`` at ``timestamp``) and, past the warning threshold, ``tle_warning``.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.catalog.models import Positions, SatellitePosition
from shared.surfaces.catalog_service import Catalog
from shared.surfaces.openapi import error_responses
from shared.surfaces.ssa.access import REQUIRE_SSA
from shared.timefmt import iso_ms

MAX_SATELLITES = 100
NoradId = Annotated[int, Field(strict=True, ge=1, le=999_999_999)]


class CurrentPositionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    norad_ids: Annotated[list[NoradId], Field(min_length=1, max_length=MAX_SATELLITES)]

    @field_validator("norad_ids")
    @classmethod
    def _no_duplicates(cls, value: list[int]) -> list[int]:
        seen: set[int] = set()
        duplicates = sorted({n for n in value if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
        if duplicates:
            raise ValueError(f"duplicate NORAD ids: {', '.join(map(str, duplicates))}")
        return value


class TrajectoryPoint(BaseModel):
    timestamp: str
    latitude: float
    longitude: float
    altitude_km: float


class SatellitePositionBody(BaseModel):
    """Numbers and trajectory, or ``error``; ``warning`` when the trajectory stops early."""

    norad_id: int
    name: str
    epoch: str | None
    latitude: float | None = None
    longitude: float | None = None
    altitude_km: float | None = None
    velocity_km_s: float | None = None
    trajectory: list[TrajectoryPoint] | None = None
    error: str | None = None
    warning: str | None = None
    tle_age_days: float | None = Field(default=None, description="Age of the element set used (its `epoch`) at "
                                       "`timestamp`, in days")
    tle_warning: str | None = Field(default=None, description="Present when that element set is older than the "
                                    "warning threshold")


class CurrentPositions(BaseModel):
    timestamp: str
    positions: list[SatellitePositionBody]


def position_view(pos: SatellitePosition) -> dict[str, Any]:
    from shared.domain.catalog.position import iso_of_ms  # with the orbit core: loaded by the first request

    entry: dict[str, Any] = {"norad_id": pos.norad_id, "name": pos.name,
                             "epoch": iso_ms(pos.epoch) if pos.epoch is not None else None}
    if pos.freshness is not None:
        entry["tle_age_days"] = pos.freshness.age_days_rounded
        if pos.freshness.warning:
            entry["tle_warning"] = pos.freshness.warning
    if pos.error is not None:
        entry["error"] = pos.error
        return entry
    now = pos.track[0]
    entry.update(
        latitude=round(now.latitude_deg, 6),
        longitude=round(now.longitude_deg, 6),
        altitude_km=round(now.altitude_km, 4),
        velocity_km_s=round(pos.speed_km_s, 6) if pos.speed_km_s is not None else None,
        trajectory=[
            {
                "timestamp": iso_of_ms(p.unix_ms),
                "latitude": round(p.latitude_deg, 6),
                "longitude": round(p.longitude_deg, 6),
                "altitude_km": round(p.altitude_km, 4),
            }
            for p in pos.track
        ],
    )
    if pos.warning is not None:
        entry["warning"] = pos.warning
    return entry


def positions_view(positions: Positions) -> dict[str, Any]:
    from shared.domain.catalog.position import iso_of_ms

    return {"timestamp": iso_of_ms(positions.now_unix_ms),
            "positions": [position_view(p) for p in positions.satellites]}


router = APIRouter(tags=["Satellite Operations"])


@router.post("/v1/get_current_position", dependencies=[REQUIRE_SSA], response_model=CurrentPositions,
             response_model_exclude_unset=True, responses=error_responses("ssa", 401, 403, 404, 422),
             summary="Get Current Satellite Position", operation_id="get_current_position")
def get_current_position(request: CurrentPositionRequest, catalog: Catalog) -> dict[str, Any]:
    now_unix_ms = time.time_ns() // 1_000_000
    return positions_view(catalog.positions(request.norad_ids, now_unix_ms))
