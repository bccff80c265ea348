"""In-memory ``TokenBuckets`` (tests, and held to the DynamoDB adapter's contract)."""

from __future__ import annotations

import threading

from shared.domain.ratelimit.models import BucketLimit, granted, refilled, wait_for_token


class MemoryTokenBuckets:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def lease(self, key: str, limit: BucketLimit, now_s: float, want: int = 1) -> tuple[int, float]:
        with self._lock:
            tokens, last = self._buckets.get(key, (limit.capacity, now_s))
            tokens = refilled(tokens, last, now_s, limit)
            n = granted(tokens, want)
            if n == 0:
                return 0, wait_for_token(tokens, limit)
            self._buckets[key] = (tokens - n, max(now_s, last))
            return n, 0.0

    def take(self, key: str, limit: BucketLimit, now_s: float) -> float:
        """One token: 0.0 when taken, else the seconds until one is there."""
        return self.lease(key, limit, now_s)[1]
