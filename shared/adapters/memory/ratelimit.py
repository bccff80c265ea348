"""In-memory ``TokenBuckets`` (tests, and held to the DynamoDB adapter's contract)."""

from __future__ import annotations

import threading

from shared.domain.ratelimit.models import BucketLimit, refilled, wait_for_token


class MemoryTokenBuckets:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, limit: BucketLimit, now_s: float) -> float:
        with self._lock:
            tokens, last = self._buckets.get(key, (limit.capacity, now_s))
            tokens = refilled(tokens, last, now_s, limit)
            if tokens < 1.0:
                return wait_for_token(tokens, limit)
            self._buckets[key] = (tokens - 1.0, max(now_s, last))
            return 0.0
