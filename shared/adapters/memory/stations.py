"""Station heartbeats in memory (only move forward)."""

from __future__ import annotations

import threading
from datetime import datetime


class MemoryHeartbeatStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, datetime] = {}

    def heartbeat(self, gs_id: str, at: datetime) -> None:
        with self._lock:
            if gs_id not in self._seen or self._seen[gs_id] < at:
                self._seen[gs_id] = at

    def last_seen(self, gs_id: str) -> datetime | None:
        with self._lock:
            return self._seen.get(gs_id)


class MemoryDownlinkDrop:
    """Dropped downlink objects in memory: key -> (body, content type)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.objects: dict[str, tuple[bytes, str | None]] = {}

    def drop(self, key: str, body: bytes, content_type: str | None) -> None:
        with self._lock:
            self.objects[key] = (body, content_type)
