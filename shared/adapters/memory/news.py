"""In-memory ``NewsStore``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from shared.domain.news.models import NewsArticle, utc
from shared.domain.news.ports import UpsertResult


class MemoryNewsStore:
    def __init__(self) -> None:
        self._articles: dict[str, NewsArticle] = {}
        self._lock = threading.Lock()

    def get(self, article_id: str) -> NewsArticle | None:
        return self._articles.get(article_id)

    def upsert(self, article: NewsArticle, *, now: datetime | None = None) -> UpsertResult:
        now = utc(now or datetime.now(UTC))
        with self._lock:
            existing = self._articles.get(article.id)
            if existing is not None and existing.content() == article.content():
                return "unchanged"
            first = existing.insertion_time if existing and existing.insertion_time else now
            created = existing.created_at if existing and existing.created_at else now
            self._articles[article.id] = article.model_copy(
                update={"insertion_time": first, "created_at": created, "updated_at": now})
            return "created" if existing is None else "updated"

    def newest_first(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[NewsArticle]:
        low = utc(start) if start is not None else None
        high = utc(end) if end is not None else None
        found = [a for a in self._articles.values()
                 if (low is None or a.date >= low) and (high is None or a.date <= high)]
        return iter(sorted(found, key=lambda a: (a.date, a.id), reverse=True))
