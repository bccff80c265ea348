"""What the station use cases need besides the ledger and the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from shared.domain.catalog.models import Transmitter
from shared.domain.profiles.models import MissionProfile
from shared.domain.stations.registry import RegistryEntry

# Returns the entry to store, or None when there is nothing to change.
RegistryTransform = Callable[[RegistryEntry | None], RegistryEntry | None]


class HeartbeatStore(Protocol):
    def heartbeat(self, gs_id: str, at: datetime) -> None:
        """Record that the station was seen at ``at`` (only moves forward)."""
        ...

    def last_seen(self, gs_id: str) -> datetime | None: ...


class TransmitterReader(Protocol):
    """The catalogue's transmitters (a satellite's downlinks tell a station what to tune to)."""

    def list_transmitters(self) -> list[Transmitter]: ...


class MissionProfileReader(Protocol):
    """Mission profiles (an operator's radio settings for a satellite)."""

    def list_for_satellite(self, norad_id: int, owner: str | None = None) -> list[MissionProfile]: ...


class DownlinkDrop(Protocol):
    """Where stations drop downlinked data: the downlink bucket, whose object events deliver it to the booking's
    client (``FileService.on_downlink_object``)."""

    def drop(self, key: str, body: bytes, content_type: str | None) -> None:
        """Store ``body`` under ``key`` (putting the same key again replaces it)."""
        ...


class StationRegistryStore(Protocol):
    """The stations' registry entries (one per station, written with an optimistic lock on ``version``)."""

    def get(self, gs_id: str) -> RegistryEntry | None: ...

    def get_many(self, gs_ids: Sequence[str]) -> dict[str, RegistryEntry | None]:
        """The entries of several stations in one read (None for a station without one)."""
        ...

    def list_entries(self) -> list[RegistryEntry]:
        """Every entry, in station id order."""
        ...

    def update(self, gs_id: str, transform: RegistryTransform) -> RegistryEntry | None:
        """Store ``transform(current)`` (current: None when the station has no entry yet) with ``version`` one
        more than the stored one, if nobody wrote the entry since it was read (else re-read and re-apply).
        Returns the stored entry: the current one when ``transform`` returned None."""
        ...
