"""Per-principal rate limiting at the door of every authenticated route (``shared.http.caller``).

One token bucket per principal and scope class (``shared.domain.ratelimit``), kept in DynamoDB (table
``ratelimit``) so every Lambda instance counts the same requests; an instance leases a few tokens at once and
spends them locally for a second (``RateLimiter``: one write per lease, not per request). Over the limit a
request is refused with ``TooManyRequests`` — 429 with ``Retry-After`` in the surface's own format. The limiter
is on wherever the function is given the ``ratelimit`` table (every HTTP function in AWS, and the local
runtime); limits come from ``GROUNDLINK_RATE_LIMITS`` (``class=capacity/refill_per_s,…`` over the defaults).
If the bucket store fails the request is let through and the failure logged: an outage of the limiter does not
take the API down with it.
"""

from __future__ import annotations

from functools import lru_cache

from shared.domain.errors import TooManyRequests
from shared.domain.identity import Principal
from shared.domain.ratelimit.service import RateLimiter
from shared.observability import logger
from shared.snapstart import after_restore

_override: list[RateLimiter | None] = []


@lru_cache(maxsize=1)
def _configured() -> RateLimiter | None:
    from shared.wiring.ratelimit import rate_limiter

    return rate_limiter()


# leased tokens are spent by one instance only: instances restored from one snapshot start without any
after_restore(_configured.cache_clear)


def current_limiter() -> RateLimiter | None:
    return _override[-1] if _override else _configured()


def use_limiter(limiter: RateLimiter | None) -> None:
    """Replace the configured limiter (tests); ``reset_limiter()`` undoes it."""
    _override[:] = [limiter]


def reset_limiter() -> None:
    _override.clear()
    _configured.cache_clear()


def enforce_rate_limit(principal: Principal, required_scope: str | None = None, *, lease: bool = True) -> bool:
    """Counts the request; ``TooManyRequests`` when the principal's bucket for this class is empty. With
    ``lease=False`` nothing is read or written: False, and the request not counted, when only the shared bucket
    can tell (``RateLimiter.check``)."""
    limiter = current_limiter()
    if limiter is None:
        return True
    try:
        return limiter.check(principal, required_scope, lease=lease)
    except TooManyRequests:
        raise
    except Exception:  # the store is unreachable or refuses: let the request through, say so
        logger.warning("rate limiter unavailable; request not counted", exc_info=True)
        return True
