"""Offset paging (``start``/``limit``) shared by the list endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")

MAX_LIMIT = 1000  # records per page


class Page(BaseModel):
    start: int = 0
    limit: int = 100

    def slice(self, items: Sequence[T]) -> list[T]:
        return list(items[self.start : self.start + self.limit])


async def _page(  # async: FastAPI runs it on the event loop instead of a worker thread
    start: Annotated[int, Query(ge=0, description="index of the first record")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"maximum number of records: 1 to {MAX_LIMIT}, "
                                "default 100")] = 100,
) -> Page:
    return Page(start=start, limit=limit)


PageParams = Annotated[Page, Depends(_page)]
