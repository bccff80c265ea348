"""In-memory ``ResultStore`` (``shared.domain.jobs.ports``): JSON documents by key, as the S3 results bucket
keeps them (each stored as its JSON text: a stored document is a copy, and its size is its text's)."""

from __future__ import annotations

import json
import threading
from typing import Any


class InMemoryResultStore:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, document: Any) -> int:
        body = json.dumps(document, separators=(",", ":")).encode()
        with self._lock:
            self.objects[key] = body
        return len(body)

    def get(self, key: str) -> Any:
        return json.loads(self.objects[key])

    def url(self, key: str, expires_s: int) -> str:
        if key not in self.objects:
            raise KeyError(key)
        return f"memory://results/{key}?expires={expires_s}"
