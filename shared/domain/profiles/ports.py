"""What the mission-profile use cases need: the profile store and a way to know a satellite exists."""

from __future__ import annotations

from typing import Protocol

from shared.domain.profiles.models import MissionProfile


class ProfileIdTaken(Exception):
    """A profile with this id is already stored (``ProfileStore.put``): the id allocator handed it out twice."""


class ProfileStore(Protocol):
    def next_id(self) -> int:
        """A fresh profile id (unique and increasing; gaps possible)."""
        ...

    def put(self, profile: MissionProfile) -> None:
        """Store a new profile; ``ProfileIdTaken`` (nothing written) when its id is already stored."""
        ...

    def get(self, profile_id: int) -> MissionProfile | None: ...

    def list_for_satellite(self, norad_id: int, owner: str | None = None) -> list[MissionProfile]:
        """The satellite's profiles in id order; only ``owner``'s when given."""
        ...

    def delete(self, profile_id: int, owner: str | None = None) -> bool:
        """Delete if it exists and (when ``owner`` is given) still belongs to ``owner``, atomically;
        ``False`` when nothing was deleted."""
        ...


class SatelliteDirectory(Protocol):
    """The catalogue, as far as profiles need it."""

    def get_satellite(self, norad_id: int) -> object | None: ...
