"""The station command broker (``/stations/v1``, Groundlink's own) and the orbapi station status (seed 001
``GET /orbapi/gs/id/:id/status``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.identity import Principal
from shared.domain.ledger.models import BookingStatus
from shared.domain.stations.ports import StationRegistryStore
from shared.domain.stations.service import Command, ContactReport, Download, StationService
from shared.http import IdPath, caller
from shared.jsonsafe import StorableJson, check_storable
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring import ledger as wiring

router = APIRouter(tags=["Ground stations"])

BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]
Stations = Annotated[StationService, Depends(wiring.station_service)]
Registry = Annotated[StationRegistryStore, Depends(wiring.station_registry_store)]


class ContactResult(BaseModel):
    """A station's result of one contact."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["completed", "failed", "partial"]
    metrics: StorableJson = None  # an object or a list of metric series (stored as sent, bounded)
    channels: list[dict[str, Any]] | None = Field(default=None, max_length=100)
    message: str | None = Field(default=None, max_length=1000)

    @field_validator("metrics")
    @classmethod
    def _metrics_shape(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, (dict, list)):
            raise ValueError("must be an object or a list")
        return value

    @field_validator("channels")
    @classmethod
    def _channels_storable(cls, value: Any) -> Any:
        return None if value is None else check_storable(value)


class DownlinkUploadIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                      description="the object's name under downlink/<bookingId>/")


class DownlinkUploadOut(BaseModel):
    s3Key: str  # noqa: N815
    url: str
    method: Literal["PUT"]
    expiresAt: str  # noqa: N815


class StationRef(BaseModel):
    id: str
    description: str | None


class StationStatusOut(BaseModel):
    groundStation: StationRef  # noqa: N815 (seed's field names)
    host: str
    online: bool
    status: Literal["online", "offline"]
    lastSeenAt: str | None  # noqa: N815
    lastSeenAgeMs: int | None  # noqa: N815
    queueDepth: int  # noqa: N815
    # beyond seed 001 (whose ``status`` is the heartbeat's online / offline): the operator's status from the station
    # registry (testing / maintenance), absent when none is set
    operatorStatus: str | None = None  # noqa: N815


class DownloadOut(BaseModel):
    id: int
    s3Key: str  # noqa: N815
    sha256: str | None
    size: int | None
    url: str
    expiresAt: str  # noqa: N815


class SatelliteRef(BaseModel):
    noradId: str  # noqa: N815
    name: str | None


class CommandOut(BaseModel):
    type: Literal["contact"]
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815
    slotId: int  # noqa: N815
    source: str
    missionType: str  # noqa: N815
    satellite: SatelliteRef
    start: str
    end: str
    status: BookingStatus
    uplinkFiles: list[DownloadOut]  # noqa: N815


class CommandsOut(BaseModel):
    groundStation: StationRef  # noqa: N815
    serverTime: str  # noqa: N815
    commands: list[CommandOut]


class SlotResultOut(BaseModel):
    id: int
    gsId: str  # noqa: N815
    status: BookingStatus


class ResultAccepted(BaseModel):
    status: Literal["success"]
    bookingId: int  # noqa: N815
    missionId: int  # noqa: N815
    gsId: str  # noqa: N815
    result: str
    bookingStatus: BookingStatus  # noqa: N815
    slots: list[SlotResultOut]


def _download_view(d: Download) -> DownloadOut:
    f = d.file
    return DownloadOut(id=f.id, s3Key=f.s3_key, sha256=f.actual_sha256, size=f.size, url=d.url,
                       expiresAt=iso_ms(d.expires_at))


def _command_view(c: Command) -> CommandOut:
    b, slot = c.booking, c.slot
    return CommandOut(type="contact", bookingId=b.id, missionId=b.id, slotId=slot.id, source=b.source,
                      missionType=b.type, satellite=SatelliteRef(noradId=str(b.norad_id), name=c.satellite_name),
                      start=iso_ms(slot.start), end=iso_ms(slot.end), status=slot.status,
                      uplinkFiles=[_download_view(d) for d in c.uplink_files])


@router.get("/stations/v1/commands", response_model=CommandsOut, summary="Poll for upcoming contacts (heartbeat)",
            responses=error_responses("orbapi", 401, 403, 404))
def commands(stations: Stations, principal: Principal = caller()) -> CommandsOut:
    station, now, upcoming = stations.commands(principal)
    return CommandsOut(groundStation=StationRef(id=station.id, description=station.description or station.name),
                       serverTime=iso_ms(now), commands=[_command_view(c) for c in upcoming])


@router.post("/stations/v1/contacts/{bookingId}/result", response_model=ResultAccepted,
             summary="Report a contact's result", responses=error_responses("orbapi", 400, 401, 403, 404, 409))
def contact_result(bookingId: BookingId, result: ContactResult, stations: Stations,  # noqa: N803
                   principal: Principal = caller()) -> ResultAccepted:
    report = ContactReport(status=result.status, message=result.message, metrics=result.metrics,
                           channels=result.channels)
    booking, station = stations.report(bookingId, report, principal)
    return ResultAccepted(status="success", bookingId=booking.id, missionId=booking.id, gsId=station.id,
                          result=result.status, bookingStatus=booking.status,
                          slots=[SlotResultOut(id=s.id, gsId=s.gs_id, status=s.status) for s in booking.slots
                                 if s.gs_id == station.id])


@router.post("/stations/v1/contacts/{bookingId}/downlink-url", response_model=DownlinkUploadOut,
             summary="A presigned upload URL of a contact's downlinked data",
             responses=error_responses("orbapi", 400, 401, 403, 404))
def downlink_url(bookingId: BookingId, body: DownlinkUploadIn, stations: Stations,  # noqa: N803
                 principal: Principal = caller()) -> DownlinkUploadOut:
    key, url, expires = stations.downlink_upload(bookingId, body.name, principal)
    return DownlinkUploadOut(s3Key=key, url=url, method="PUT", expiresAt=iso_ms(expires))


@router.get("/orbapi/gs/id/{id}/status", response_model=StationStatusOut, summary="Ground station status",
            response_model_exclude_unset=True,
            responses=error_responses("orbapi", 400, 401, 404))
def station_status(id: IdPath, stations: Stations, registry: Registry,  # noqa: A002
                   principal: Principal = caller()) -> StationStatusOut:
    s = stations.status(id)
    entry = registry.get(s.station.id)
    extra = {"operatorStatus": entry.status} if entry is not None and entry.status else {}
    return StationStatusOut(
        groundStation=StationRef(id=s.station.id, description=s.station.description or s.station.name),
        host=s.station.id, online=s.online, status="online" if s.online else "offline",
        lastSeenAt=iso_ms(s.last_seen) if s.last_seen else None, lastSeenAgeMs=s.age_ms, queueDepth=s.queue_depth,
        **extra,
    )
