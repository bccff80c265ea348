"""What the station use cases need besides the ledger and the catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class HeartbeatStore(Protocol):
    def heartbeat(self, gs_id: str, at: datetime) -> None:
        """Record that the station was seen at ``at`` (only moves forward)."""
        ...

    def last_seen(self, gs_id: str) -> datetime | None: ...
