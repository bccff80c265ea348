"""SSA news (seed 002, "News Operations"): latest, time range, search and advanced search over the
``news`` table. Every listing is newest first (publication ``date``, then id)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from shared.adapters.dynamo.news import NewsRepository
from shared.domain.news.models import NewsArticle

SearchMode = Literal["AND", "OR", "EXACT"]
SEARCH_MODES: tuple[str, ...] = ("AND", "OR", "EXACT")


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def split_terms(values: str | Iterable[str]) -> list[str]:
    """Comma-separated terms (a string, or each string of a list), stripped, blanks dropped."""
    items = [values] if isinstance(values, str) else list(values)
    return [t.strip() for item in items for t in item.split(",") if t.strip()]


def matcher(terms: Sequence[str], mode: SearchMode) -> Callable[[NewsArticle], bool]:
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


def _equals(wanted: str | None, attribute: str) -> Callable[[NewsArticle], bool]:
    """Case-insensitive exact match of one attribute; no value (None or blank) matches everything."""
    if wanted is None or not wanted.strip():
        return lambda _: True
    target = _fold(wanted)
    return lambda a: _fold(getattr(a, attribute)) == target if getattr(a, attribute) else False


def _contains(wanted: str | None, attribute: str) -> Callable[[NewsArticle], bool]:
    if wanted is None or not wanted.strip():
        return lambda _: True
    target = _fold(wanted)
    return lambda a: target in _fold(getattr(a, attribute))


def paged(articles: Iterable[NewsArticle], page: int, size: int) -> dict[str, Any]:
    found = list(articles)
    start = (page - 1) * size
    return {
        "news": [a.wire() for a in found[start : start + size]],
        "total": len(found),
        "page": page,
        "size": size,
        "has_next": start + size < len(found),
        "has_prev": page > 1,
    }


class SsaNews:
    def __init__(self, repo: NewsRepository) -> None:
        self.repo = repo

    def _where(self, articles: Iterator[NewsArticle], *tests: Callable[[NewsArticle], bool]) -> Iterator[NewsArticle]:
        return (a for a in articles if all(test(a) for test in tests))

    # -- GET /v1/news/latest -------------------------------------------------------------------------
    def latest(self, limit: int, source: str | None = None) -> list[dict[str, Any]]:
        found = self._where(self.repo.newest_first(), _equals(source, "source"))
        return [a.wire() for a in islice(found, limit)]

    # -- GET /v1/news/timerange ----------------------------------------------------------------------
    def timerange(self, start: datetime, end: datetime, page: int, size: int,
                  source: str | None = None) -> dict[str, Any]:
        return paged(self._where(self.repo.newest_first(start, end), _equals(source, "source")), page, size)

    # -- GET /v1/news/search and POST /v1/news/search/advanced ----------------------------------------
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
    ) -> dict[str, Any]:
        found = self._where(
            self.repo.newest_first(start, end),
            _equals(source, "source"),
            _equals(country_code, "country_code"),
            _contains(mission_name, "mission_name"),
            matcher(terms, mode),
        )
        return paged(found, page, size)
