"""orbapi mission profile endpoints (seed 001 "Mission Profiles"); all require ``mission-profile:create``."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ValidationError

from shared.domain.errors import InvalidRequest, TooLarge
from shared.domain.identity import Principal
from shared.domain.profiles.models import PROFILE_MAX_BYTES, CreatedByType, MissionProfile, MissionProfileInput
from shared.domain.profiles.service import REQUIRED_SCOPE, MissionProfiles
from shared.errors import describe_validation
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring.identity import profiles_service

router = APIRouter(tags=["Mission Profiles"])
ERRORS = error_responses("orbapi", 400, 401, 403, 404)

BODY_MAX_BYTES = 4 * PROFILE_MAX_BYTES  # raw request bytes, checked before parsing

Caller = Annotated[Principal, caller(REQUIRED_SCOPE)]
NoradId = Annotated[int, Path(ge=1, le=999_999_999, description="NORAD catalogue number")]
ProfileId = Annotated[int, Path(ge=1, description="mission profile id")]


Profiles = Annotated[MissionProfiles, Depends(profiles_service)]


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


# --- request --------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_create_body(raw: bytes) -> MissionProfileInput:
    """The request body as a create input. With a ``profile`` key the body is ``{name?, profile}``;
    without one, the full request body is the profile (seed 001) and ``name``, when present, is also
    read from it. ``name`` is optional either way (absent: stored and answered as ``null``)."""
    if len(raw) > BODY_MAX_BYTES:
        raise TooLarge(f"request body exceeds {BODY_MAX_BYTES} bytes")
    if not raw.strip():
        raise InvalidRequest("request body: a JSON object is required")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"request body: invalid JSON ({exc})") from None
    except RecursionError:
        raise InvalidRequest("request body: JSON nested too deeply") from None
    if not isinstance(body, dict):
        raise InvalidRequest("request body: must be a JSON object")
    if "profile" in body:
        data = body
    else:
        data = {"profile": dict(body)}
        if "name" in body:
            data["name"] = body["name"]
    try:
        return MissionProfileInput.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise InvalidRequest(describe_validation(errors)) from None


# --- responses ------------------------------------------------------------------------------------


class MissionProfileOut(BaseModel):
    """A profile. The seed's list and get examples show fewer fields than Groundlink sends (it always
    sends all of them), so the ones those examples leave out are optional here."""

    id: int
    satelliteNoradId: int  # noqa: N815 (seed's field names)
    name: str | None
    profile: dict[str, Any]
    createdBy: str | None = None  # noqa: N815
    createdByType: CreatedByType | None = None  # noqa: N815
    createdAt: str | None = None  # noqa: N815
    updatedAt: str | None = None  # noqa: N815


class ProfileCreated(BaseModel):
    status: str
    profile: MissionProfileOut


class ProfileList(BaseModel):
    noradId: int  # noqa: N815
    profiles: list[MissionProfileOut]


class ProfileOne(BaseModel):
    profile: MissionProfileOut


class ProfileDeleted(BaseModel):
    status: str
    message: str
    profileId: int  # noqa: N815


def profile_view(p: MissionProfile) -> MissionProfileOut:
    return MissionProfileOut(
        id=p.id, satelliteNoradId=p.satellite_norad_id, name=p.name, profile=p.profile, createdBy=p.created_by,
        createdByType=p.created_by_type, createdAt=iso_ms(p.created_at), updatedAt=iso_ms(p.updated_at),
    )


# --- routes ---------------------------------------------------------------------------------------


@router.post("/orbapi/satellites/id/{noradId}/profiles", status_code=201, response_model=ProfileCreated,
             summary="Create Mission Profile", operation_id="create_mission_profile", responses=ERRORS)
def create_profile(principal: Caller, noradId: NoradId, body: RawBody,  # noqa: N803 (seed's name)
                   profiles: Profiles) -> ProfileCreated:
    created = profiles.create(principal, noradId, parse_create_body(body))
    return ProfileCreated(status="success", profile=profile_view(created))


@router.get("/orbapi/satellites/id/{noradId}/profiles", response_model=ProfileList,
            summary="List Mission Profiles For Satellite", operation_id="list_mission_profiles", responses=ERRORS)
def list_profiles(principal: Caller, noradId: NoradId, profiles: Profiles) -> ProfileList:  # noqa: N803
    return ProfileList(noradId=noradId, profiles=[profile_view(p) for p in profiles.list(principal, noradId)])


@router.get("/orbapi/satellites/profiles/{profileId}", response_model=ProfileOne, summary="Get Mission Profile",
            operation_id="get_mission_profile", responses=ERRORS)
def get_profile(principal: Caller, profileId: ProfileId, profiles: Profiles) -> ProfileOne:  # noqa: N803
    return ProfileOne(profile=profile_view(profiles.get(principal, profileId)))


@router.delete("/orbapi/satellites/profiles/{profileId}", response_model=ProfileDeleted,
               summary="Delete Mission Profile", operation_id="delete_mission_profile", responses=ERRORS)
def delete_profile(principal: Caller, profileId: ProfileId, profiles: Profiles) -> ProfileDeleted:  # noqa: N803
    profiles.delete(principal, profileId)
    return ProfileDeleted(status="success", message="Mission profile deleted successfully", profileId=profileId)
