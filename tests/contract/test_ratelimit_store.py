"""``TokenBuckets`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.adapters.memory.ratelimit import MemoryTokenBuckets
from shared.domain.ratelimit.models import BucketLimit
from shared.domain.ratelimit.ports import TokenBuckets

LIMIT = BucketLimit(capacity=3, refill_per_s=0.5)
T0 = 1_800_000_000.0


@pytest.fixture(params=["memory", "dynamo"])
def buckets(request: pytest.FixtureRequest) -> Iterator[TokenBuckets]:
    if request.param == "memory":
        yield MemoryTokenBuckets()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.ratelimit import DynamoTokenBuckets

    yield DynamoTokenBuckets()


def test_a_new_bucket_is_full_and_empties_one_token_a_take(buckets: TokenBuckets) -> None:
    assert [buckets.take("user#a#default", LIMIT, T0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("user#a#default", LIMIT, T0) == pytest.approx(2.0)  # one token at 0.5/s
    assert buckets.take("user#a#default", LIMIT, T0 + 1.0) == pytest.approx(1.0)  # refused takes take nothing


def test_tokens_come_back_at_the_refill_rate_up_to_the_capacity(buckets: TokenBuckets) -> None:
    for _ in range(3):
        buckets.take("user#b#passes", LIMIT, T0)
    assert buckets.take("user#b#passes", LIMIT, T0 + 2.0) == 0.0
    assert buckets.take("user#b#passes", LIMIT, T0 + 2.0) > 0
    # a long pause refills to the capacity, never beyond
    assert [buckets.take("user#b#passes", LIMIT, T0 + 1000.0) for _ in range(4)][:3] == [0.0, 0.0, 0.0]
    assert buckets.take("user#b#passes", LIMIT, T0 + 1000.0) > 0


def test_buckets_are_per_key(buckets: TokenBuckets) -> None:
    for _ in range(3):
        buckets.take("user#c#default", LIMIT, T0)
    assert buckets.take("user#c#default", LIMIT, T0) > 0
    assert buckets.take("user#d#default", LIMIT, T0) == 0.0
    assert buckets.take("user#c#pipeline", LIMIT, T0) == 0.0


def test_concurrent_takes_never_exceed_the_capacity() -> None:
    """Threads on the in-memory buckets. (moto's DynamoDB does not apply conditional writes atomically across
    threads, so the DynamoDB adapter's optimistic check is shown deterministically below.)"""
    buckets = MemoryTokenBuckets()
    limit = BucketLimit(capacity=5, refill_per_s=0.001)
    with ThreadPoolExecutor(max_workers=4) as pool:
        waits = list(pool.map(lambda _: buckets.take("user#e#default", limit, T0), range(12)))
    assert sum(1 for w in waits if w == 0.0) == 5


def test_a_dynamo_take_whose_read_went_stale_reads_again_and_never_overwrites(
        dynamo_tables: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.dynamo import ratelimit as adapter

    real = adapter.ddb()
    limit = BucketLimit(capacity=2, refill_per_s=0.001)
    other = adapter.DynamoTokenBuckets()

    class Racing:
        """The first read is followed by another instance's take before this one writes."""

        raced = False

        def get_item(self, **kwargs: object) -> dict:
            out = real.get_item(**kwargs)
            if not Racing.raced:
                Racing.raced = True
                assert other.take("user#f#default", limit, T0) == 0.0
            return out

        def put_item(self, **kwargs: object) -> dict:
            return real.put_item(**kwargs)

    racing = Racing()
    monkeypatch.setattr(adapter, "ddb", lambda: racing)
    assert adapter.DynamoTokenBuckets().take("user#f#default", limit, T0) == 0.0  # retried on the fresh bucket
    assert other.take("user#f#default", limit, T0) > 0  # two tokens, two takes: the third is refused
