"""Mission profiles (seed 001): caller-owned JSON configuration per satellite.

Visibility follows the one ownership rule (``Principal.can_see``): a caller sees and deletes the profiles
it created; admins and service callers see and delete all. Anything not visible is reported as not
found, never as forbidden, so ids of other callers' profiles are not disclosed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from shared.domain.errors import InvalidRequest, NotFound, TooLarge
from shared.domain.identity import Principal
from shared.domain.profiles.models import (
    PROFILE_MAX_BYTES,
    CreatedByType,
    MissionProfile,
    MissionProfileInput,
    utc_now_ms,
)
from shared.domain.profiles.ports import ProfileIdTaken, ProfileStore, SatelliteDirectory

REQUIRED_SCOPE = "mission-profile:create"
ID_ATTEMPTS = 5  # fresh ids tried when the one allocated is already stored

CREATED_BY_TYPE: dict[str, CreatedByType] = {"api_token": "api_client", "user": "user", "service": "service"}


def profile_size(profile: object) -> int:
    """Bytes of the profile as compact UTF-8 JSON (what is stored)."""
    try:
        return len(json.dumps(profile, separators=(",", ":"), ensure_ascii=False).encode())
    except UnicodeEncodeError:
        raise InvalidRequest("field 'profile': contains text that is not valid Unicode (a lone surrogate)") from None
    except RecursionError:
        raise InvalidRequest("field 'profile': JSON nested too deeply") from None


class MissionProfiles:
    def __init__(self, profiles: ProfileStore, satellites: SatelliteDirectory,
                 clock: Callable[[], datetime] = utc_now_ms) -> None:
        self.profiles = profiles
        self.satellites = satellites
        self.clock = clock

    def _require_satellite(self, norad_id: int) -> None:
        if self.satellites.get_satellite(norad_id) is None:
            raise NotFound(f"satellite {norad_id} not found")

    def create(self, principal: Principal, norad_id: int, request: MissionProfileInput) -> MissionProfile:
        """Raises ``TooLarge`` beyond ``PROFILE_MAX_BYTES`` of JSON, ``NotFound`` for an unknown satellite."""
        size = profile_size(request.profile)
        if size > PROFILE_MAX_BYTES:
            raise TooLarge(f"field 'profile': {size} bytes of JSON exceeds the limit of {PROFILE_MAX_BYTES} bytes")
        self._require_satellite(norad_id)
        now = self.clock()
        for attempt in range(ID_ATTEMPTS):
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
            try:
                self.profiles.put(profile)
                return profile
            except ProfileIdTaken:
                # the allocator gave out an id already stored (a counter that lost an increment, e.g. restored
                # from a backup, or an emulator whose ADD is not atomic across threads): take the next one
                if attempt == ID_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def list(self, principal: Principal, norad_id: int) -> list[MissionProfile]:
        """The satellite's profiles the caller may see, in id order."""
        self._require_satellite(norad_id)
        # The store filters by owner for ordinary callers (cheaper); the rule itself is ``can_see``.
        owner = None if principal.is_admin else principal.subject
        found = self.profiles.list_for_satellite(norad_id, owner=owner)
        return sorted((p for p in found if principal.can_see(p.created_by)), key=lambda p: p.id)

    def get(self, principal: Principal, profile_id: int) -> MissionProfile:
        profile = self.profiles.get(profile_id)
        if profile is None or not principal.can_see(profile.created_by):
            raise NotFound(f"mission profile {profile_id} not found")
        return profile

    def delete(self, principal: Principal, profile_id: int) -> None:
        """Deletes only the profile that was checked visible: the delete is conditioned on the owner seen,
        so a concurrent change of hands or a second delete cannot remove someone else's profile."""
        profile = self.get(principal, profile_id)
        if not self.profiles.delete(profile_id, owner=profile.created_by):
            raise NotFound(f"mission profile {profile_id} not found")
