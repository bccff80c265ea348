"""Rate-limit policy: one token bucket per (principal, scope class).

A scope class is the first segment of the permission a route requires (``passes:read`` → ``passes``,
``pipeline.pass-analysis`` → ``pipeline``, ``mission-profile:create`` → ``mission-profile``); a route that
only needs a valid token is in class ``default``. Each class has a bucket of ``capacity`` requests
refilled at ``refill_per_s``; a class without its own limit uses ``default``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_CLASS = "default"


@dataclass(frozen=True)
class BucketLimit:
    """``capacity`` requests at once (the burst), refilled at ``refill_per_s`` requests a second."""

    capacity: float
    refill_per_s: float

    def __post_init__(self) -> None:
        if not (self.capacity >= 1 and self.refill_per_s > 0):
            raise ValueError("a rate limit needs a capacity of at least 1 and a positive refill rate")


# Heavy classes (orbit computation, job submission) get smaller buckets than reads.
DEFAULT_LIMITS: dict[str, BucketLimit] = {
    DEFAULT_CLASS: BucketLimit(capacity=100, refill_per_s=20),
    "passes": BucketLimit(capacity=30, refill_per_s=5),
    "contacts": BucketLimit(capacity=30, refill_per_s=5),
    "pipeline": BucketLimit(capacity=20, refill_per_s=2),
    "bookings": BucketLimit(capacity=30, refill_per_s=5),
}

_LIMIT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([0-9.]+)\s*/\s*([0-9.]+)\s*$")


def scope_class(required_scope: str | None) -> str:
    if not required_scope:
        return DEFAULT_CLASS
    return re.split(r"[:.]", required_scope, maxsplit=1)[0] or DEFAULT_CLASS


def parse_limits(text: str, base: dict[str, BucketLimit] | None = None) -> dict[str, BucketLimit]:
    """``class=capacity/refill_per_s`` pairs, comma-separated (``default=100/20,passes=30/5``), over
    ``base`` (default ``DEFAULT_LIMITS``). A malformed pair is a ``ValueError`` naming it."""
    limits = dict(DEFAULT_LIMITS if base is None else base)
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = _LIMIT.match(part)
        if m is None:
            raise ValueError(f"rate limit {part!r} is not of the form class=capacity/refill_per_second")
        limits[m.group(1)] = BucketLimit(capacity=float(m.group(2)), refill_per_s=float(m.group(3)))
    return limits


def refilled(tokens: float, last_s: float, now_s: float, limit: BucketLimit) -> float:
    """A bucket's tokens at ``now_s``, from ``tokens`` at ``last_s`` (a clock going back adds nothing)."""
    return min(limit.capacity, tokens + max(0.0, now_s - last_s) * limit.refill_per_s)


def wait_for_token(tokens: float, limit: BucketLimit) -> float:
    """Seconds until a bucket holding ``tokens`` (< 1) has one."""
    return max(0.0, (1.0 - tokens) / limit.refill_per_s)


def granted(tokens: float, want: int) -> int:
    """Whole tokens a lease of ``want`` gets from a bucket holding ``tokens``: as many as are there, up to
    ``want`` (0 when not even one is)."""
    return max(0, min(int(want), int(tokens)))


def idle_expiry(now_s: float, limit: BucketLimit) -> int:
    """When a bucket untouched since ``now_s`` is full again and may be forgotten (its TTL)."""
    return int(now_s + limit.capacity / limit.refill_per_s) + 60
