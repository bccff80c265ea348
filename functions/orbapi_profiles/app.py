"""orbapi mission profile endpoints (seed 001 "Mission Profiles"); all require ``mission-profile:create``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from functions.orbapi_profiles.logic import REQUIRED_SCOPE, MissionProfiles, profile_view
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.profiles import profiles_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app

app = create_app("orbapi", "Groundlink orbapi mission profiles")

Caller = Annotated[Principal, caller(REQUIRED_SCOPE)]
NoradId = Annotated[int, Path(ge=1, le=999_999_999, description="NORAD catalogue number")]
ProfileId = Annotated[int, Path(ge=1, description="mission profile id")]


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


def profiles() -> MissionProfiles:
    return MissionProfiles(profiles_repository(), catalog_repository())


@app.post("/orbapi/satellites/id/{noradId}/profiles", status_code=201)
def create_profile(principal: Caller, noradId: NoradId, body: RawBody) -> dict:  # noqa: N803 (seed's name)
    return {"status": "success", "profile": profile_view(profiles().create(principal, noradId, body))}


@app.get("/orbapi/satellites/id/{noradId}/profiles")
def list_profiles(principal: Caller, noradId: NoradId) -> dict:  # noqa: N803
    return {"noradId": noradId, "profiles": [profile_view(p) for p in profiles().list(principal, noradId)]}


@app.get("/orbapi/satellites/profiles/{profileId}")
def get_profile(principal: Caller, profileId: ProfileId) -> dict:  # noqa: N803
    return {"profile": profile_view(profiles().get(principal, profileId))}


@app.delete("/orbapi/satellites/profiles/{profileId}")
def delete_profile(principal: Caller, profileId: ProfileId) -> dict:  # noqa: N803
    profiles().delete(principal, profileId)
    return {"status": "success", "message": "Mission profile deleted successfully", "profileId": profileId}
