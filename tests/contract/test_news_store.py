"""``NewsStore`` contract: in-memory fake and DynamoDB adapter behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.news import MemoryNewsStore
from shared.domain.news.models import NewsArticle
from shared.domain.news.ports import NewsStore

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamo"])
def store(request: pytest.FixtureRequest) -> Iterator[NewsStore]:
    if request.param == "memory":
        yield MemoryNewsStore()
        return
    request.getfixturevalue("dynamo_tables")
    from shared.adapters.dynamo.news import DynamoNewsRepository

    yield DynamoNewsRepository()


def article(article_id: str, minutes: int, title: str = "Launch") -> NewsArticle:
    return NewsArticle(id=article_id, title=title, source="LL2", date=T0 + timedelta(minutes=minutes))


def test_upsert_creates_updates_and_leaves_unchanged_articles_alone(store: NewsStore) -> None:
    first = T0 + timedelta(days=1)
    assert store.upsert(article("a", 0), now=first) == "created"
    stored = store.get("a")
    assert stored is not None
    assert stored.insertion_time == stored.created_at == stored.updated_at == first
    # the same content again writes nothing
    assert store.upsert(article("a", 0), now=first + timedelta(hours=1)) == "unchanged"
    assert store.get("a") == stored
    # changed content: updated, the first times are kept
    later = first + timedelta(hours=2)
    assert store.upsert(article("a", 5, "Launch delayed"), now=later) == "updated"
    changed = store.get("a")
    assert changed is not None and changed.title == "Launch delayed" and changed.date == T0 + timedelta(minutes=5)
    assert (changed.insertion_time, changed.created_at, changed.updated_at) == (first, first, later)
    assert store.get("missing") is None


def test_newest_first_orders_by_date_then_id_and_follows_a_moved_date(store: NewsStore) -> None:
    for article_id, minutes in (("a", 0), ("b", 10), ("c", 10), ("d", 5)):
        store.upsert(article(article_id, minutes))
    assert [a.id for a in store.newest_first()] == ["c", "b", "d", "a"]
    store.upsert(article("a", 20, "moved"))
    assert [a.id for a in store.newest_first()] == ["a", "c", "b", "d"]


def test_time_range_is_inclusive_at_both_ends(store: NewsStore) -> None:
    for article_id, minutes in (("a", 0), ("b", 5), ("c", 10), ("d", 15)):
        store.upsert(article(article_id, minutes))
    start, end = T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)
    assert [a.id for a in store.newest_first(start, end)] == ["c", "b"]
    assert [a.id for a in store.newest_first(start=start)] == ["d", "c", "b"]
    assert [a.id for a in store.newest_first(end=end)] == ["c", "b", "a"]
    naive = (T0 + timedelta(minutes=15)).replace(tzinfo=None)
    assert [a.id for a in store.newest_first(start=naive)] == ["d"]
