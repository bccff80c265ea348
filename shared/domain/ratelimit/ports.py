"""What rate limiting needs from storage."""

from __future__ import annotations

from typing import Protocol

from shared.domain.ratelimit.models import BucketLimit


class TokenBuckets(Protocol):
    def lease(self, key: str, limit: BucketLimit, now_s: float, want: int = 1) -> tuple[int, float]:
        """Take up to ``want`` whole tokens (at least one) from ``key``'s bucket at once (full when first seen,
        refilled since its last use). Returns ``(granted, 0.0)`` with ``1 <= granted <= want`` when at least one
        token was there, else ``(0, seconds until one is)`` and nothing is taken. Concurrent leases on one key
        never hand out more tokens than the bucket holds."""
        ...
