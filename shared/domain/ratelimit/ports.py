"""What rate limiting needs from storage."""

from __future__ import annotations

from typing import Protocol

from shared.domain.ratelimit.models import BucketLimit


class TokenBuckets(Protocol):
    def take(self, key: str, limit: BucketLimit, now_s: float) -> float:
        """Take one token from ``key``'s bucket (full when first seen, refilled since its last use).
        Returns 0.0 when taken, else the seconds until a token is available (nothing is taken then).
        Concurrent takes on one key never hand out more tokens than the bucket holds."""
        ...
