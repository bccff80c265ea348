"""What the news use cases need: the article store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Literal, Protocol

from shared.domain.news.models import NewsArticle

UpsertResult = Literal["created", "updated", "unchanged"]


class NewsStore(Protocol):
    def upsert(self, article: NewsArticle, *, now: datetime | None = None) -> UpsertResult:
        """Store by id. A new article gets ``insertion_time`` = ``created_at`` = ``updated_at`` = now; a
        changed one keeps its insertion and creation times and gets ``updated_at`` = now; an unchanged one
        (same content fields) is left alone. Concurrent writers of one id: the loser gets ``Conflict``."""
        ...

    def get(self, article_id: str) -> NewsArticle | None: ...

    def newest_first(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[NewsArticle]:
        """Articles published in [start, end] (either bound optional), newest first (publication time,
        then id, both descending), read lazily."""
        ...
