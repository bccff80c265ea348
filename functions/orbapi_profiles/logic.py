"""orbapi mission profiles (seed 001): caller-owned JSON configuration per satellite.

Visibility: a caller sees and deletes only the profiles it created (``createdBy`` = its subject);
admins and service callers see and delete all. Anything not visible is reported as not found, never
as forbidden, so ids of other callers' profiles are not disclosed.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.profiles import ProfilesRepository
from shared.domain.errors import InvalidRequest, NotFound, TooLarge
from shared.domain.identity import Principal
from shared.domain.profiles.models import (
    PROFILE_MAX_BYTES,
    CreatedByType,
    MissionProfile,
    MissionProfileInput,
    utc_now_ms,
)
from shared.errors import describe_validation
from shared.timefmt import iso_ms

REQUIRED_SCOPE = "mission-profile:create"
BODY_MAX_BYTES = 4 * PROFILE_MAX_BYTES  # raw request bytes, checked before parsing

CREATED_BY_TYPE: dict[str, CreatedByType] = {"api_token": "api_client", "user": "user", "service": "service"}


def profile_view(p: MissionProfile) -> dict[str, Any]:
    return {
        "id": p.id,
        "satelliteNoradId": p.satellite_norad_id,
        "name": p.name,
        "profile": p.profile,
        "createdBy": p.created_by,
        "createdByType": p.created_by_type,
        "createdAt": iso_ms(p.created_at),
        "updatedAt": iso_ms(p.updated_at),
    }


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_create_body(raw: bytes) -> MissionProfileInput:
    """The request body as a create input. With a ``profile`` key the body is ``{name, profile}``;
    without one, the full request body is the profile (seed 001) and ``name`` is also read from it."""
    if len(raw) > BODY_MAX_BYTES:
        raise TooLarge(f"request body exceeds {BODY_MAX_BYTES} bytes")
    if not raw.strip():
        raise InvalidRequest("request body: a JSON object with 'name' is required")
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
        parsed = MissionProfileInput.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise InvalidRequest(describe_validation(errors)) from None
    try:
        size = len(json.dumps(parsed.profile, separators=(",", ":"), ensure_ascii=False).encode())
    except UnicodeEncodeError:
        raise InvalidRequest("field 'profile': contains text that is not valid Unicode (a lone surrogate)") from None
    except RecursionError:
        raise InvalidRequest("field 'profile': JSON nested too deeply") from None
    if size > PROFILE_MAX_BYTES:
        raise TooLarge(f"field 'profile': {size} bytes of JSON exceeds the limit of {PROFILE_MAX_BYTES} bytes")
    return parsed


class MissionProfiles:
    def __init__(self, profiles: ProfilesRepository, catalog: CatalogRepository) -> None:
        self.profiles = profiles
        self.catalog = catalog

    def _require_satellite(self, norad_id: int) -> None:
        if self.catalog.get_satellite(norad_id) is None:
            raise NotFound(f"satellite {norad_id} not found")

    @staticmethod
    def _owner_filter(principal: Principal) -> str | None:
        """``None`` (no filter) for admins and services, else the caller's subject."""
        return None if principal.is_admin else principal.subject

    def create(self, principal: Principal, norad_id: int, raw_body: bytes) -> MissionProfile:
        request = parse_create_body(raw_body)
        self._require_satellite(norad_id)
        now = utc_now_ms()
        profile = MissionProfile(
            id=self.profiles.next_id(),
            satellite_norad_id=norad_id,
            name=request.name,
            profile=request.profile,
            created_by=principal.subject,
            created_by_type=CREATED_BY_TYPE[principal.kind],
            created_at=now,
            updated_at=now,
        )
        self.profiles.put(profile)
        return profile

    def list(self, principal: Principal, norad_id: int) -> list[MissionProfile]:
        self._require_satellite(norad_id)
        found = self.profiles.list_for_satellite(norad_id, owner=self._owner_filter(principal))
        return sorted(found, key=lambda p: p.id)

    def get(self, principal: Principal, profile_id: int) -> MissionProfile:
        profile = self.profiles.get(profile_id)
        owner = self._owner_filter(principal)
        if profile is None or (owner is not None and profile.created_by != owner):
            raise NotFound(f"mission profile {profile_id} not found")
        return profile

    def delete(self, principal: Principal, profile_id: int) -> None:
        if not self.profiles.delete(profile_id, owner=self._owner_filter(principal)):
            raise NotFound(f"mission profile {profile_id} not found")
