"""Station heartbeats (only move forward) and registry entries in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from shared.domain.stations.ports import RegistryTransform
from shared.domain.stations.registry import RegistryEntry


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


class MemoryStationRegistry:
    """Registry entries in memory (copies in and out, versions as the DynamoDB adapter keeps them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, RegistryEntry] = {}

    def get(self, gs_id: str) -> RegistryEntry | None:
        with self._lock:
            e = self._entries.get(gs_id)
            return e.model_copy(deep=True) if e else None

    def get_many(self, gs_ids: Sequence[str]) -> dict[str, RegistryEntry | None]:
        with self._lock:
            return {i: (e.model_copy(deep=True) if (e := self._entries.get(i)) else None) for i in gs_ids}

    def list_entries(self) -> list[RegistryEntry]:
        with self._lock:
            return [self._entries[k].model_copy(deep=True) for k in sorted(self._entries, key=lambda i: (len(i), i))]

    def update(self, gs_id: str, transform: RegistryTransform) -> RegistryEntry | None:
        with self._lock:
            current = self._entries.get(gs_id)
            after = transform(current.model_copy(deep=True) if current else None)
            if after is None:
                return current.model_copy(deep=True) if current else None
            stored = after.model_copy(update={"gs_id": gs_id, "version": (current.version if current else 0) + 1})
            self._entries[gs_id] = stored
            return stored.model_copy(deep=True)
