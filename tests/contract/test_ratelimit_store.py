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


def test_a_dynamo_lease_computed_from_a_stale_state_starts_again_and_never_overwrites(
        dynamo_tables: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.dynamo import ratelimit as adapter

    real = adapter.ddb()
    limit = BucketLimit(capacity=2, refill_per_s=0.001)
    other = adapter.DynamoTokenBuckets()

    class Racing:
        """Another instance's lease lands between this one computing its write and making it."""

        raced = False

        def get_item(self, **kwargs: object) -> dict:
            return real.get_item(**kwargs)

        def put_item(self, **kwargs: object) -> dict:
            if not Racing.raced:
                Racing.raced = True
                assert other.take("user#f#default", limit, T0) == 0.0
            return real.put_item(**kwargs)

    monkeypatch.setattr(adapter, "ddb", lambda: Racing())
    assert adapter.DynamoTokenBuckets().take("user#f#default", limit, T0) == 0.0  # again, on the fresh bucket
    assert other.take("user#f#default", limit, T0) > 0  # two tokens, two takes: the third is refused


def test_a_lease_takes_what_is_there_up_to_what_is_asked(buckets: TokenBuckets) -> None:
    limit = BucketLimit(capacity=10, refill_per_s=1)
    assert buckets.lease("user#g#default", limit, T0, 4) == (4, 0.0)
    assert buckets.lease("user#g#default", limit, T0, 4) == (4, 0.0)
    assert buckets.lease("user#g#default", limit, T0, 4) == (2, 0.0)  # only two left
    assert buckets.lease("user#g#default", limit, T0, 4) == (0, pytest.approx(1.0))  # nothing taken
    assert buckets.lease("user#g#default", limit, T0 + 2.5, 4) == (2, 0.0)  # 2.5 tokens back: two whole ones
    assert buckets.lease("user#g#default", limit, T0 + 2.5, 4) == (0, pytest.approx(0.5))


def test_a_dynamo_lease_is_one_conditional_write(dynamo_tables: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.dynamo import ratelimit as adapter

    real, calls = adapter.ddb(), []

    class Counting:
        def __getattr__(self, name: str) -> object:
            calls.append(name)
            return getattr(real, name)

    monkeypatch.setattr(adapter, "ddb", lambda: Counting())
    limit = BucketLimit(capacity=10, refill_per_s=1)
    mine, other = adapter.DynamoTokenBuckets(), adapter.DynamoTokenBuckets()
    assert [mine.lease("user#h#default", limit, T0, 3) for _ in range(2)] == [(3, 0.0), (3, 0.0)]
    assert calls == ["put_item", "put_item"]  # a new bucket, then the state this instance left: no read
    calls.clear()
    assert other.lease("user#h#default", limit, T0, 3) == (3, 0.0)  # its first write fails, answered with the item
    assert calls == ["put_item", "put_item"]
    calls.clear()
    assert mine.lease("user#h#default", limit, T0, 3) == (1, 0.0)  # what is left after the other's lease
    assert mine.lease("user#h#default", limit, T0, 3) == (0, pytest.approx(1.0))
    assert calls == ["put_item", "put_item"]  # the refusal is known from the state written last: no call
