"""``RateLimiter`` leasing tokens from the shared bucket, on the in-memory buckets and on DynamoDB (moto): exact
counts, refill over time, and two limiters (two Lambda instances) on one table never admitting more than the
bucket holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from shared.adapters.memory.ratelimit import MemoryTokenBuckets
from shared.domain.errors import TooManyRequests
from shared.domain.identity import Principal
from shared.domain.ratelimit.models import BucketLimit
from shared.domain.ratelimit.ports import TokenBuckets
from shared.domain.ratelimit.service import RateLimiter

T0 = 1_800_000_000.0
ALICE = Principal("alice", ("passes",))
LIMIT = BucketLimit(capacity=40, refill_per_s=2)  # leased 4 tokens at a time


@pytest.fixture(params=["memory", "dynamo"])
def new_buckets(request: pytest.FixtureRequest) -> Iterator[Callable[[], TokenBuckets]]:
    """Makes bucket stores that share one backing store (one table), as Lambda instances do."""
    if request.param == "memory":
        shared = MemoryTokenBuckets()
        yield lambda: shared
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.ratelimit import DynamoTokenBuckets

    yield DynamoTokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def admitted(limiter: RateLimiter, n: int, scope: str = "passes:read") -> int:
    count = 0
    for _ in range(n):
        try:
            limiter.check(ALICE, scope)
            count += 1
        except TooManyRequests:
            pass
    return count


class CountingBuckets:
    """Counts the leases that reach the store."""

    def __init__(self, inner: TokenBuckets) -> None:
        self.inner, self.calls = inner, 0

    def lease(self, key: str, limit: BucketLimit, now_s: float, want: int = 1) -> tuple[int, float]:
        self.calls += 1
        return self.inner.lease(key, limit, now_s, want)


def test_requests_beyond_the_capacity_are_refused_and_the_store_is_asked_once_a_lease(
        new_buckets: Callable[[], TokenBuckets]) -> None:
    store = CountingBuckets(new_buckets())
    limiter = RateLimiter(store, {"passes": LIMIT}, clock=Clock())
    assert limiter.lease_size(LIMIT) == 4
    assert admitted(limiter, 40) == 40
    assert store.calls == 10  # 40 requests, one write per 4
    assert admitted(limiter, 25) == 0
    with pytest.raises(TooManyRequests) as caught:
        limiter.check(ALICE, "passes:read")
    assert caught.value.retry_after_s == 1.0  # half a second to the next token, rounded up


def test_tokens_come_back_with_time_and_an_old_lease_is_not_spent(new_buckets: Callable[[], TokenBuckets]) -> None:
    clock = Clock()
    limiter = RateLimiter(new_buckets(), {"passes": LIMIT}, clock=clock)
    assert admitted(limiter, 41) == 40
    clock.now += 3.0  # six tokens back
    assert admitted(limiter, 10) == 6
    clock.now += 0.5
    assert admitted(limiter, 3) == 1
    clock.now += 1000.0  # full again, never beyond
    assert admitted(limiter, 50) == 40
    # a lease is spent within lease_s: tokens leased but left over are dropped, not spent later
    clock.now += 1000.0
    assert admitted(limiter, 1) == 1  # leased 4, 3 held
    clock.now += limiter.lease_s
    store = limiter.buckets
    # 36 left after the lease of 4, 2 refilled in that second: the 3 held are not given back
    assert store.lease("user#alice#passes", LIMIT, clock.now, 40) == (38, 0.0)
    assert admitted(limiter, 1) == 0  # the held tokens expired: nothing left


def test_a_small_bucket_is_counted_exactly_on_every_request(new_buckets: Callable[[], TokenBuckets]) -> None:
    small = BucketLimit(capacity=3, refill_per_s=0.5)
    a = RateLimiter(new_buckets(), {"default": small}, clock=Clock())
    b = RateLimiter(new_buckets(), {"default": small}, clock=Clock())
    assert a.lease_size(small) == 1
    assert [admitted(x, 1, "sites.view") for x in (a, b, a, b)] == [1, 1, 1, 0]


def test_two_limiters_on_one_table_never_admit_more_than_the_capacity(
        new_buckets: Callable[[], TokenBuckets]) -> None:
    clock = Clock()
    a = RateLimiter(new_buckets(), {"passes": LIMIT}, clock=clock)
    b = RateLimiter(new_buckets(), {"passes": LIMIT}, clock=clock)
    total = 0
    for i in range(120):  # interleaved unevenly: a twice, then b once
        total += admitted(a if i % 3 else b, 1)
    assert total == 40
    clock.now += 5.0  # ten tokens back, shared by both
    assert admitted(a, 7) + admitted(b, 7) + admitted(a, 7) == 10
