"""The rate limiter, assembled with its DynamoDB token buckets and the configured limits."""

from __future__ import annotations

import os

from shared.domain.ratelimit.models import parse_limits
from shared.domain.ratelimit.service import RateLimiter

ENV_TABLE = "GROUNDLINK_RATELIMIT_TABLE"
ENV_LIMITS = "GROUNDLINK_RATE_LIMITS"


def rate_limiter() -> RateLimiter | None:
    """The limiter, or None where no bucket table is configured (a function not granted the ``ratelimit``
    table, tests that do not ask for it). Limits: ``GROUNDLINK_RATE_LIMITS`` over the defaults."""
    if not os.environ.get(ENV_TABLE):
        return None
    from shared.adapters.dynamo.ratelimit import token_buckets

    return RateLimiter(token_buckets(), parse_limits(os.environ.get(ENV_LIMITS, "")))
