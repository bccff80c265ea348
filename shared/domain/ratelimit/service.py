"""Rate limiting (issue: per-principal limits on every surface): one token bucket per principal and
scope class; over the limit a request is refused with ``TooManyRequests`` carrying when to retry.

The shared bucket is not written on every request. A limiter leases a small allowance of tokens from it at
once (one conditional write takes up to ``lease_size`` tokens) and spends them locally, one a request, for at
most ``lease_s`` seconds; what is left then is dropped, not given back. A leased token is taken from the shared
bucket when it is leased, so all instances together never admit more requests than the bucket holds. The price:
while one instance holds leased tokens, another may refuse a request slightly before the bucket would have
(at most ``lease_size - 1`` tokens per instance, for at most ``lease_s``). A bucket with a capacity below
``1 / LEASE_FRACTION`` is leased one token at a time, i.e. counted exactly on every request.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.errors import TooManyRequests
from shared.domain.identity import Principal
from shared.domain.ratelimit.models import DEFAULT_CLASS, DEFAULT_LIMITS, BucketLimit, scope_class
from shared.domain.ratelimit.ports import TokenBuckets

logger = logging.getLogger("groundlink.domain.ratelimit")

LEASE_FRACTION = 0.1  # of a bucket's capacity leased at once ...
LEASE_MAX = 20  # ... up to this many tokens
LEASE_S = 1.0  # how long leased tokens may be spent
HELD_MAX = 10_000  # leases kept before the expired ones are swept


@dataclass
class _Lease:
    tokens: int  # still to spend
    since_s: float
    until_s: float


class RateLimiter:
    def __init__(self, buckets: TokenBuckets, limits: dict[str, BucketLimit] | None = None,
                 clock: Callable[[], float] = time.time, lease_s: float = LEASE_S) -> None:
        self.buckets = buckets
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self.clock = clock
        self.lease_s = lease_s
        self._held: dict[str, _Lease] = {}
        self._lock = threading.Lock()

    def limit_of(self, klass: str) -> BucketLimit:
        return self.limits.get(klass) or self.limits.get(DEFAULT_CLASS) or DEFAULT_LIMITS[DEFAULT_CLASS]

    @staticmethod
    def lease_size(limit: BucketLimit) -> int:
        """Tokens asked of the shared bucket at once: a tenth of its capacity (at least 1, at most 20)."""
        return max(1, min(LEASE_MAX, int(limit.capacity * LEASE_FRACTION)))

    def _spend_held(self, key: str, now_s: float) -> bool:
        with self._lock:
            held = self._held.get(key)
            if held is None:
                return False
            if not (held.since_s <= now_s < held.until_s) or held.tokens < 1:
                del self._held[key]
                return False
            held.tokens -= 1
            return True

    def _hold(self, key: str, tokens: int, now_s: float) -> None:
        with self._lock:
            if len(self._held) >= HELD_MAX:
                self._held = {k: h for k, h in self._held.items() if h.until_s > now_s}
            self._held[key] = _Lease(tokens, now_s, now_s + self.lease_s)

    def check(self, principal: Principal, required_scope: str | None = None, *, lease: bool = True) -> bool:
        """Counts one request of ``principal`` in the class of ``required_scope``; ``TooManyRequests``
        (with the whole seconds to wait) when its bucket is empty. With ``lease=False`` only a token already
        leased is spent: False, and nothing counted, when the shared bucket would have to be asked."""
        klass = scope_class(required_scope)
        limit = self.limit_of(klass)
        key = f"{principal.kind}#{principal.subject}#{klass}"
        now = self.clock()
        if self._spend_held(key, now):
            return True
        if not lease:
            return False
        got, wait = self.buckets.lease(key, limit, now, self.lease_size(limit))
        if got > 1:
            self._hold(key, got - 1, now)
        if got >= 1:
            return True
        retry_after = max(1, math.ceil(wait))
        logger.info("rate limited", extra={"subject": principal.subject, "class": klass, "retry_after_s": retry_after})
        raise TooManyRequests(
            f"rate limit exceeded: at most {limit.capacity:g} requests at once and {limit.refill_per_s:g} a "
            f"second for '{klass}' requests; retry after {retry_after} s",
            retry_after_s=float(retry_after),
        )
