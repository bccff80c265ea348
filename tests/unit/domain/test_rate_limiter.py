"""``RateLimiter`` on the in-memory buckets: classes, limits, the TooManyRequests it raises."""

from __future__ import annotations

import pytest

from shared.adapters.memory.ratelimit import MemoryTokenBuckets
from shared.domain.errors import TooManyRequests
from shared.domain.identity import Principal
from shared.domain.ratelimit.models import DEFAULT_LIMITS, BucketLimit, parse_limits, scope_class
from shared.domain.ratelimit.service import RateLimiter

ALICE = Principal("alice", ("passes",))


@pytest.mark.parametrize(("scope", "klass"), [(None, "default"), ("passes:read", "passes"),
                                              ("pipeline.pass-analysis", "pipeline"), ("ssa", "ssa"),
                                              ("mission-profile:create", "mission-profile")])
def test_scope_class_is_the_first_segment_of_the_required_scope(scope: str | None, klass: str) -> None:
    assert scope_class(scope) == klass


def test_limits_parse_over_the_defaults_and_name_a_bad_pair() -> None:
    limits = parse_limits("passes=5/0.5, ssa=10/2")
    assert limits["passes"] == BucketLimit(5, 0.5) and limits["ssa"] == BucketLimit(10, 2)
    assert limits["default"] == DEFAULT_LIMITS["default"]
    with pytest.raises(ValueError, match="'passes=5' is not of the form"):
        parse_limits("passes=5")
    with pytest.raises(ValueError, match="capacity of at least 1"):
        parse_limits("passes=0/1")


def test_over_the_limit_raises_too_many_requests_with_whole_seconds_to_wait() -> None:
    now = [1000.0]
    limiter = RateLimiter(MemoryTokenBuckets(), {"default": BucketLimit(2, 0.4)}, clock=lambda: now[0])
    limiter.check(ALICE, "passes:read")
    limiter.check(ALICE, "passes:read")
    with pytest.raises(TooManyRequests) as caught:
        limiter.check(ALICE, "passes:read")
    assert caught.value.retry_after_s == 3.0  # 2.5 s to the next token, rounded up
    assert caught.value.code == "TOO-MANY-REQUESTS"
    assert "for 'passes' requests; retry after 3 s" in caught.value.message
    limiter.check(ALICE, "ssa")  # another class: another bucket (under the default limit)
    now[0] += 2.5
    limiter.check(ALICE, "passes:read")


def test_without_a_lease_only_a_held_token_is_spent() -> None:
    class Counted(MemoryTokenBuckets):
        leases = 0

        def lease(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Counted.leases += 1
            return super().lease(*args, **kwargs)

    now = [1000.0]
    limiter = RateLimiter(Counted(), {"default": BucketLimit(30, 1)}, clock=lambda: now[0])  # leases of 3
    assert limiter.check(ALICE, lease=False) is False and Counted.leases == 0  # nothing held: nothing counted
    assert limiter.check(ALICE) is True and Counted.leases == 1  # one spent, two held
    assert limiter.check(ALICE, lease=False) is True
    assert limiter.check(ALICE, lease=False) is True
    assert limiter.check(ALICE, lease=False) is False and Counted.leases == 1  # the held ones are spent
    assert limiter.check(ALICE) is True and Counted.leases == 2
    now[0] += 1.5  # a lease is spent within a second: what is left is dropped
    assert limiter.check(ALICE, lease=False) is False
