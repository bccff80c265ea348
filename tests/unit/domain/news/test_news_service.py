"""News use cases on the in-memory store: latest, time range, search modes and filters, import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.news import MemoryNewsStore
from shared.domain.news.models import NewsArticle
from shared.domain.news.service import NewsService, split_terms

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def article(n: int, title: str, *, description: str | None = None, source: str = "LL2",
            country: str | None = None, mission: str | None = None) -> NewsArticle:
    return NewsArticle(id=f"a{n}", title=title, short_description=description, source=source,
                       country_code=country, mission_name=mission, date=T0 + timedelta(hours=n))


@pytest.fixture
def news() -> NewsService:
    store = MemoryNewsStore()
    for a in (
        article(1, "Falcon Heavy launches", description="A SpaceX Falcon Heavy rocket", country="USA",
                mission="Psyche"),
        article(2, "Falcon Heavyweight contest", source="Blog"),
        article(3, "Soyuz docks", description="crew arrives at the station", country="RUS", mission="MS-25"),
        article(4, "Satellite launch window", source="ll2", country="usa", mission="Psyche 2"),
    ):
        store.upsert(a)
    return NewsService(store)


def ids(articles: list[NewsArticle]) -> list[str]:
    return [a.id for a in articles]


def test_latest_is_newest_first_limited_and_filtered_by_source_case_insensitively(news: NewsService) -> None:
    assert ids(news.latest(2)) == ["a4", "a3"]
    assert ids(news.latest(10, "LL2")) == ["a4", "a3", "a1"]
    assert ids(news.latest(10, "  ")) == ["a4", "a3", "a2", "a1"]


def test_timerange_pages(news: NewsService) -> None:
    page = news.timerange(T0 + timedelta(hours=1), T0 + timedelta(hours=3), 1, 2)
    assert (ids(page.articles), page.total, page.has_next, page.has_prev) == (["a3", "a2"], 3, True, False)
    last = news.timerange(T0, T0 + timedelta(days=1), 2, 2)
    assert (ids(last.articles), last.has_next, last.has_prev) == (["a2", "a1"], False, True)
    beyond = news.timerange(T0, T0 + timedelta(days=1), 9, 2)
    assert (beyond.articles, beyond.total, beyond.has_prev) == ([], 4, True)


@pytest.mark.parametrize(("terms", "mode", "expected"), [
    (["launch"], "OR", ["a4", "a1"]),
    (["soyuz", "satellite"], "OR", ["a4", "a3"]),
    (["falcon", "launch"], "AND", ["a1"]),
    (["Falcon", "Heavy"], "EXACT", ["a1"]),
    (["crew  ARRIVES"], "EXACT", ["a3"]),
])
def test_search_modes(news: NewsService, terms: list[str], mode: str, expected: list[str]) -> None:
    assert ids(news.search(terms, mode, 1, 10).articles) == expected  # type: ignore[arg-type]


def test_search_filters(news: NewsService) -> None:
    found = news.search(["launch"], "OR", 1, 10, country_code="USA", mission_name="psyche")
    assert ids(found.articles) == ["a4", "a1"]
    assert ids(news.search(["launch"], "OR", 1, 10, mission_name="psyche 2").articles) == ["a4"]
    window = news.search(["launch"], "OR", 1, 10, start=T0 + timedelta(hours=2))
    assert ids(window.articles) == ["a4"]


def test_split_terms() -> None:
    assert split_terms(" satellite, launch ,,space") == ["satellite", "launch", "space"]
    assert split_terms(["a,b", " c "]) == ["a", "b", "c"]


def test_import_counts_stored_duplicates_and_refusals() -> None:
    store = MemoryNewsStore()
    news = NewsService(store)
    good = {"id": "n1", "title": "T", "source": "LL2", "date": "2026-03-01T00:00:00Z"}
    report = news.import_articles([good, {"id": "n2", "source": "LL2", "date": "2026-03-01T00:00:00Z"}, good])
    assert (report.stored, report.duplicates) == (1, 0)
    assert report.errors[0].startswith("item 2: title:")
    assert report.errors[1] == "item 3: id 'n1' appears more than once in this file"
    again = news.import_articles([good])
    assert (again.stored, again.duplicates, again.errors) == (0, 1, [])
    changed = news.import_articles([{**good, "title": "T2"}])
    assert (changed.stored, changed.duplicates) == (1, 0)
    stored = store.get("n1")
    assert stored is not None and stored.title == "T2"
