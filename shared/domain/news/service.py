"""SSA news (seed 002, "News Operations"): latest, time range, search, advanced search and import.
Every listing is newest first (publication ``date``, then id)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from pydantic import ValidationError

from shared.domain.news.models import NewsArticle
from shared.domain.news.ports import NewsStore

SearchMode = Literal["AND", "OR", "EXACT"]
SEARCH_MODES: tuple[str, ...] = ("AND", "OR", "EXACT")

Test = Callable[[NewsArticle], bool]


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def split_terms(values: str | Iterable[str]) -> list[str]:
    """Comma-separated terms (a string, or each string of a list), stripped, blanks dropped."""
    items = [values] if isinstance(values, str) else list(values)
    return [t.strip() for item in items for t in item.split(",") if t.strip()]


def matcher(terms: Sequence[str], mode: SearchMode) -> Test:
    """Case-insensitive match over title and short description.

    * ``OR``: any term occurs; ``AND``: every term occurs (as substrings: ``launch`` finds "launches");
    * ``EXACT``: the terms, joined by single spaces, occur as one phrase delimited by non-word characters
      (``Falcon Heavy`` finds "a SpaceX Falcon Heavy rocket", not "Falcon Heavyweight"). Runs of
      whitespace count as one space on both sides.
    """
    folded = [_fold(t) for t in terms]
    if mode == "EXACT":
        phrase = re.compile(r"(?<!\w)" + re.escape(" ".join(folded)) + r"(?!\w)")
        return lambda a: any(phrase.search(_fold(text)) for text in (a.title, a.short_description))
    combine = all if mode == "AND" else any

    def match(article: NewsArticle) -> bool:
        text = f"{_fold(article.title)}\n{_fold(article.short_description)}"
        return combine(term in text for term in folded)

    return match


def _equals(wanted: str | None, attribute: str) -> Test:
    """Case-insensitive exact match of one attribute; no value (None or blank) matches everything."""
    if wanted is None or not wanted.strip():
        return lambda _: True
    target = _fold(wanted)

    def test(article: NewsArticle) -> bool:
        value = getattr(article, attribute)
        return _fold(value) == target if value else False

    return test


def _contains(wanted: str | None, attribute: str) -> Test:
    if wanted is None or not wanted.strip():
        return lambda _: True
    target = _fold(wanted)
    return lambda a: target in _fold(getattr(a, attribute))


def _where(articles: Iterator[NewsArticle], *tests: Test) -> Iterator[NewsArticle]:
    return (a for a in articles if all(test(a) for test in tests))


@dataclass(frozen=True)
class NewsPage:
    """One page of a listing (``page`` counts from 1; pages past the end are empty)."""

    articles: list[NewsArticle]
    total: int
    page: int
    size: int

    @property
    def has_next(self) -> bool:
        return (self.page - 1) * self.size + self.size < self.total

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paged(articles: Iterable[NewsArticle], page: int, size: int) -> NewsPage:
    found = list(articles)
    start = (page - 1) * size
    return NewsPage(articles=found[start : start + size], total=len(found), page=page, size=size)


@dataclass
class NewsImport:
    """What an import did: articles stored (new or changed), unchanged duplicates, refused items."""

    stored: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def _describe(errors: Sequence[Any]) -> str:
    out = []
    for err in errors:
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(f"{'.'.join(str(p) for p in err.get('loc', ()))}: {msg}")
    return "; ".join(out) or "invalid request"


class NewsService:
    def __init__(self, store: NewsStore) -> None:
        self.store = store

    def latest(self, limit: int, source: str | None = None) -> list[NewsArticle]:
        """``GET /v1/news/latest``: the ``limit`` newest articles (of ``source`` when given)."""
        return list(islice(_where(self.store.newest_first(), _equals(source, "source")), limit))

    def timerange(self, start: datetime, end: datetime, page: int, size: int,
                  source: str | None = None) -> NewsPage:
        """``GET /v1/news/timerange``: articles published in [start, end]."""
        return paged(_where(self.store.newest_first(start, end), _equals(source, "source")), page, size)

    def search(
        self,
        terms: Sequence[str],
        mode: SearchMode,
        page: int,
        size: int,
        *,
        source: str | None = None,
        country_code: str | None = None,
        mission_name: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> NewsPage:
        """``GET /v1/news/search`` and ``POST /v1/news/search/advanced``. ``source`` and ``country_code``
        match case-insensitively and exactly, ``mission_name`` as a case-insensitive substring."""
        found = _where(
            self.store.newest_first(start, end),
            _equals(source, "source"),
            _equals(country_code, "country_code"),
            _contains(mission_name, "mission_name"),
            matcher(terms, mode),
        )
        return paged(found, page, size)

    def import_articles(self, items: Sequence[Any]) -> NewsImport:
        """Articles in the SSA item shape, stored by id: an unchanged article counts as a duplicate and
        writes nothing, a changed one is updated in place; an invalid item or an id repeated within the
        same import is refused (reported) without stopping the others."""
        report = NewsImport()
        seen: set[str] = set()
        for i, raw in enumerate(items):
            try:
                article = NewsArticle.model_validate(raw)
            except ValidationError as exc:
                report.errors.append(f"item {i + 1}: {_describe(exc.errors())}")
                continue
            if article.id in seen:
                report.errors.append(f"item {i + 1}: id {article.id!r} appears more than once in this file")
                continue
            seen.add(article.id)
            if self.store.upsert(article) == "unchanged":
                report.duplicates += 1
            else:
                report.stored += 1
        return report
