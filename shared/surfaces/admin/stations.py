"""Station registry administration (``/admin/stations/{gsId}/registry``): antennas with their bands and rotator
limits, the horizon mask, the operator status and unavailability windows; ``admin`` scope or a service caller;
orbapi error format. The rules are ``shared.domain.stations.registry``'s."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain.identity import Principal
from shared.domain.identity.service import require_admin
from shared.domain.stations.registry import (
    ID_PATTERN,
    Antenna,
    MaskPoint,
    OperatorStatus,
    RegistryEntry,
    UnavailabilityWindow,
)
from shared.domain.stations.registry_service import RegistryChange, StationRegistryService
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring.ledger import station_registry_service


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return require_admin(principal)


router = APIRouter(tags=["Station registry administration"], dependencies=[Depends(_admin)])
Registry = Annotated[StationRegistryService, Depends(station_registry_service)]
GsId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="ground station id")]
WindowId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=ID_PATTERN,
                           description="optional: the same id again is a safe retry (default: generated)")
    start: AwareDatetime
    end: AwareDatetime
    reason: str = Field(min_length=1, max_length=500)


class RegistryIn(BaseModel):
    """A station's whole registry entry (replaces the stored one)."""

    model_config = ConfigDict(extra="forbid")

    antennas: list[Antenna] = Field(default_factory=list, max_length=20)
    horizon_mask: list[MaskPoint] = Field(default_factory=list, max_length=360)
    status: OperatorStatus | None = None
    unavailability: list[UnavailabilityWindow] = Field(default_factory=list, max_length=500)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OperatorStatus | None = Field(description="testing, maintenance, or null for none")


class RegistryOut(BaseModel):
    gs_id: str
    antennas: list[dict[str, Any]]
    horizon_mask: list[dict[str, float]]
    status: OperatorStatus | None
    unavailability: list[dict[str, str]]
    updated_at: str | None
    version: int
    moved_to_review: list[int] | None = None  # reservations an added window moved to Review
    confirmed_again: list[int] | None = None  # reservations confirmed again once a window was removed


def _iso(ts: datetime | None) -> str | None:
    return iso_ms(ts) if ts else None


def registry_view(entry: RegistryEntry, change: RegistryChange | None = None) -> RegistryOut:
    return RegistryOut(
        gs_id=entry.gs_id,
        antennas=[a.model_dump() for a in entry.antennas],
        horizon_mask=[p.model_dump() for p in entry.horizon_mask],
        status=entry.status,
        unavailability=[{"id": w.id, "start": iso_ms(w.start), "end": iso_ms(w.end), "reason": w.reason}
                        for w in entry.windows],
        updated_at=_iso(entry.updated_at),
        version=entry.version,
        moved_to_review=change.moved_to_review if change else None,
        confirmed_again=change.confirmed_again if change else None,
    )


@router.get("/admin/stations/{gsId}/registry", response_model=RegistryOut, response_model_exclude_none=True,
            summary="Read a station's registry entry", operation_id="get_station_registry",
            responses=error_responses("orbapi", 400, 401, 403, 404))
def get_registry(gsId: GsId, registry: Registry) -> RegistryOut:  # noqa: N803 (wire name)
    return registry_view(registry.show(gsId))


@router.put("/admin/stations/{gsId}/registry", response_model=RegistryOut, response_model_exclude_none=True,
            summary="Replace a station's registry entry", operation_id="put_station_registry",
            responses=error_responses("orbapi", 400, 401, 403, 404))
def put_registry(gsId: GsId, body: RegistryIn, registry: Registry) -> RegistryOut:  # noqa: N803
    change = registry.replace(gsId, body.antennas, body.horizon_mask, body.status, body.unavailability)
    return registry_view(change.entry, change)


@router.put("/admin/stations/{gsId}/registry/status", response_model=RegistryOut, response_model_exclude_none=True,
            summary="Set a station's operator status", operation_id="put_station_status",
            responses=error_responses("orbapi", 400, 401, 403, 404))
def put_status(gsId: GsId, body: StatusIn, registry: Registry) -> RegistryOut:  # noqa: N803
    change = registry.set_status(gsId, body.status)
    return registry_view(change.entry, change)


@router.post("/admin/stations/{gsId}/registry/unavailability", status_code=201, response_model=RegistryOut,
             response_model_exclude_none=True, summary="Add an unavailability window",
             operation_id="add_station_unavailability", responses=error_responses("orbapi", 400, 401, 403, 404, 409))
def add_window(gsId: GsId, body: WindowIn, registry: Registry) -> RegistryOut:  # noqa: N803
    change, _ = registry.add_window(gsId, body.start, body.end, body.reason, body.id)
    return registry_view(change.entry, change)


@router.delete("/admin/stations/{gsId}/registry/unavailability/{windowId}", response_model=RegistryOut,
               response_model_exclude_none=True, summary="Remove an unavailability window",
               operation_id="remove_station_unavailability", responses=error_responses("orbapi", 400, 401, 403, 404))
def remove_window(gsId: GsId, windowId: WindowId, registry: Registry) -> RegistryOut:  # noqa: N803
    change = registry.remove_window(gsId, windowId)
    return registry_view(change.entry, change)
