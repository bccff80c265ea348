"""In-memory ``ProfileStore`` (and a ``SatelliteDirectory`` of known NORAD ids for tests)."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterable

from shared.domain.profiles.models import MissionProfile
from shared.domain.profiles.ports import ProfileIdTaken


class MemoryProfileStore:
    def __init__(self) -> None:
        self._profiles: dict[int, MissionProfile] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def put(self, profile: MissionProfile) -> None:
        with self._lock:
            if profile.id in self._profiles:
                raise ProfileIdTaken(f"mission profile {profile.id} already exists")
            self._profiles[profile.id] = profile.model_copy(deep=True)

    def get(self, profile_id: int) -> MissionProfile | None:
        found = self._profiles.get(profile_id)
        return None if found is None else found.model_copy(deep=True)

    def list_for_satellite(self, norad_id: int, owner: str | None = None) -> list[MissionProfile]:
        found = [p for p in self._profiles.values()
                 if p.satellite_norad_id == norad_id and (owner is None or p.created_by == owner)]
        return [copy.deepcopy(p) for p in sorted(found, key=lambda p: p.id)]

    def delete(self, profile_id: int, owner: str | None = None) -> bool:
        with self._lock:
            found = self._profiles.get(profile_id)
            if found is None or (owner is not None and found.created_by != owner):
                return False
            del self._profiles[profile_id]
            return True


class KnownSatellites:
    def __init__(self, norad_ids: Iterable[int] = ()) -> None:
        self.norad_ids = set(norad_ids)

    def get_satellite(self, norad_id: int) -> object | None:
        return norad_id if norad_id in self.norad_ids else None
