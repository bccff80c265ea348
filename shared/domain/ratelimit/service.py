"""Rate limiting (issue: per-principal limits on every surface): one token bucket per principal and
scope class; over the limit a request is refused with ``TooManyRequests`` carrying when to retry."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from shared.domain.errors import TooManyRequests
from shared.domain.identity import Principal
from shared.domain.ratelimit.models import DEFAULT_CLASS, DEFAULT_LIMITS, BucketLimit, scope_class
from shared.domain.ratelimit.ports import TokenBuckets

logger = logging.getLogger("groundlink.domain.ratelimit")


class RateLimiter:
    def __init__(self, buckets: TokenBuckets, limits: dict[str, BucketLimit] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.buckets = buckets
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self.clock = clock

    def limit_of(self, klass: str) -> BucketLimit:
        return self.limits.get(klass) or self.limits.get(DEFAULT_CLASS) or DEFAULT_LIMITS[DEFAULT_CLASS]

    def check(self, principal: Principal, required_scope: str | None = None) -> None:
        """Counts one request of ``principal`` in the class of ``required_scope``; ``TooManyRequests``
        (with the whole seconds to wait) when its bucket is empty."""
        klass = scope_class(required_scope)
        limit = self.limit_of(klass)
        wait = self.buckets.take(f"{principal.kind}#{principal.subject}#{klass}", limit, self.clock())
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            logger.info("rate limited",
                        extra={"subject": principal.subject, "class": klass, "retry_after_s": retry_after})
            raise TooManyRequests(
                f"rate limit exceeded: at most {limit.capacity:g} requests at once and {limit.refill_per_s:g} a "
                f"second for '{klass}' requests; retry after {retry_after} s",
                retry_after_s=float(retry_after),
            )
