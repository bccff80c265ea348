"""What the station use cases need besides the ledger and the catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.domain.catalog.models import Transmitter
from shared.domain.profiles.models import MissionProfile


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
