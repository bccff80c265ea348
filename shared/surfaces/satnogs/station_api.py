"""``GET /satnogs/api/jobs/`` and ``PUT /satnogs/api/observations/{id}/``, as the SatNOGS client calls them
(``satnogsclient/scheduler/tasks.py``: ``get_jobs`` and ``upload_observation_data``).

The client sends ``Authorization: Token <key>``: here the key is the station's own Groundlink API token (scope
``station``, owner ``station-<gs_id>``, as for the command broker). A job is one upcoming observation; an upload
is a multipart body with a file part ``payload`` (audio), ``waterfall`` or ``demoddata`` (the client sends one
per request)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from shared.auth import authenticate
from shared.domain.errors import InvalidField, NotAuthenticated, NotFound
from shared.domain.identity import Principal
from shared.domain.ledger.models import BookingStatus
from shared.domain.stations.satnogs import PARTS, Job, ObservationFile, ObservationUpload, SatnogsStations
from shared.http import IdPath, body_limit_of
from shared.metrics import ACTIVE_USERS
from shared.ratelimit import enforce_rate_limit
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring.satnogs import satnogs_stations

PREFIX = "/satnogs/api"
router = APIRouter(tags=["SatNOGS stations"])
Service = Annotated[SatnogsStations, Depends(satnogs_stations)]
RATE_CLASS = "station"


def token_key(authorization: str | None) -> str:
    """The key of ``Authorization: Token <key>`` (SatNOGS's scheme; ``Bearer`` is accepted too)."""
    if not authorization:
        raise NotAuthenticated("Authentication credentials were not provided.")
    scheme, _, key = authorization.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not key.strip():
        raise NotAuthenticated("Invalid token header. Expected 'Token <station API token>'.")
    return key.strip()


def _station_caller(request: Request) -> Principal:
    principal = authenticate(f"Bearer {token_key(request.headers.get('authorization'))}")
    enforce_rate_limit(principal, RATE_CLASS)
    ACTIVE_USERS.record(principal.subject)
    return principal


_station_caller.authenticates = True  # type: ignore[attr-defined]  # read by the OpenAPI builder
_station_caller.required_scope = "station"  # type: ignore[attr-defined]
Station = Annotated[Principal, Depends(_station_caller)]


class JobOut(BaseModel):
    """One observation to fly, in the shape the SatNOGS client schedules (``spawn_observer``'s ``obj``)."""

    id: int = Field(description="observation id: the booking id × 1000 + the slot's position in the booking")
    start: str = Field(description="ISO 8601 UTC")
    end: str
    ground_station: int | str = Field(description="the ground station id (a number when it is one)")
    tle0: str = Field(description="the satellite's name")
    tle1: str = Field(description="line 1 of the satellite's current element set")
    tle2: str
    frequency: int = Field(description="downlink frequency, Hz")
    mode: str
    transmitter: str = Field(description="the transmitter's uuid, or profile-<id> for a mission profile's radio")
    baud: float | None
    norad_cat_id: int
    booking_id: int
    slot_id: int


class StoredFileOut(BaseModel):
    part: str
    filename: str
    key: str = Field(description="key in the downlink bucket; delivered to the booking's client from there")
    size: int


class ObservationOut(BaseModel):
    id: int
    start: str
    end: str
    ground_station: int | str
    norad_cat_id: int
    booking_id: int
    status: BookingStatus = Field(description="the slot's status: Completed once the audio payload is in")
    uploaded: list[StoredFileOut]


def _station_id(gs_id: str) -> int | str:
    return int(gs_id) if gs_id.isdigit() and len(gs_id) < 16 else gs_id


def _job_view(j: Job) -> JobOut:
    return JobOut(id=j.observation_id, start=iso_ms(j.slot.start), end=iso_ms(j.slot.end),
                  ground_station=_station_id(j.station.id), tle0=j.element_set.name or j.satellite.name,
                  tle1=j.element_set.line1, tle2=j.element_set.line2, frequency=j.radio.frequency_hz,
                  mode=j.radio.mode, transmitter=j.radio.transmitter, baud=j.radio.baud,
                  norad_cat_id=j.booking.norad_id, booking_id=j.booking.id, slot_id=j.slot.id)


def _upload_view(u: ObservationUpload) -> ObservationOut:
    return ObservationOut(id=u.observation_id, start=iso_ms(u.slot.start), end=iso_ms(u.slot.end),
                          ground_station=_station_id(u.station.id), norad_cat_id=u.booking.norad_id,
                          booking_id=u.booking.id, status=u.slot.status,
                          uploaded=[StoredFileOut(part=f.part, filename=f.filename, key=f.key, size=f.size)
                                    for f in u.files])


@router.get(f"{PREFIX}/jobs/", response_model=list[JobOut], summary="The station's upcoming observations (heartbeat)",
            description="What `satnogs-client` polls (`get_jobs`). The poll is the station's heartbeat (its orbapi "
                        "status shows it online). `lat`, `lon` and `alt` are checked and otherwise ignored: the "
                        "station's location is the catalogue's. A reservation without an element set or a "
                        "downlink frequency (from the booking owner's mission profile `radio` settings or the "
                        "satellite's transmitter) is not offered.",
            responses=error_responses("satnogs", 400, 401, 403, 404))
def jobs(service: Service, principal: Station,
         ground_station: Annotated[str | None, Query(min_length=1, max_length=64,
                                                     description="the caller's ground station id")] = None,
         lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
         lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
         alt: Annotated[float | None, Query(ge=-500, le=9000, description="metres")] = None) -> list[JobOut]:
    _, found = service.jobs(principal, ground_station)
    return [_job_view(j) for j in found]


_UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "properties": {part: {"type": "string", "format": "binary"} for part in PARTS},
        "description": "One or more of the file parts (the SatNOGS client sends one per request); other parts "
                       "are ignored. Files are named as the client names them (letters, digits, `._+-`).",
    }}},
}


def _limit_text() -> str:
    limit = body_limit_of("satnogs")
    return (f"A request body may hold at most {limit // (1024 * 1024)} MiB ({limit} bytes), else 413. In AWS, API "
            "Gateway accepts at most 10 MB and a Lambda invocation at most 6 MB (the body base64-encoded), so "
            "there a request carries at most about 4.4 MB of files.")


async def _files(request: Request) -> list[ObservationFile]:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise InvalidField("request body", f"must be multipart/form-data with a file part {', '.join(PARTS)}")
    try:
        form = await request.form(max_files=len(PARTS) * 4, max_fields=50)
    except HTTPException as exc:  # python-multipart's refusal, raised by Starlette as a 400
        raise InvalidField("request body", f"malformed multipart/form-data ({exc.detail})") from None
    files = []
    for part in PARTS:
        values = form.getlist(part)
        if len(values) > 1:
            raise InvalidField(part, "given more than once")
        if not values:
            continue
        value = values[0]
        if not isinstance(value, UploadFile):
            raise InvalidField(part, "must be a file part (a Content-Disposition with a filename)")
        content = await value.read()
        name = (value.filename or "").rsplit("/", 1)[-1]
        files.append(ObservationFile(part=part, filename=name, content=content, content_type=value.content_type))
    return files


@router.put(f"{PREFIX}/observations/{{id}}/", response_model=ObservationOut,
            summary="Upload an observation's data", openapi_extra={"requestBody": _UPLOAD_BODY},
            description="What `satnogs-client` calls to upload (`upload_observation_data`). The files are stored "
                        "under the booking's downlink path and delivered to the booking's client; the audio "
                        "`payload` completes the station's part of the booking. Accepted once the observation has "
                        "begun (409 before); an unknown observation, someone else's or a cancelled one is 404; the "
                        "same file again replaces it. " + _limit_text(),
            responses=error_responses("satnogs", 400, 401, 403, 404, 409, 413))
async def upload(id: IdPath, request: Request, service: Service,  # noqa: A002
                 principal: Station) -> ObservationOut:
    if not id.isdigit() or len(id) > 18:
        raise NotFound(f"observation {id[:40]} not found")
    files = await _files(request)
    return _upload_view(await run_in_threadpool(service.upload, principal, int(id), files))
