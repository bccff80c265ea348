"""SSA news endpoints (seed 002, "News Operations"). The ``ssa`` permission (else 403); errors
``{"detail", "status_code"}``, validation ``422 {"detail": [{loc, msg, type}]}`` naming the parameter.

* ``GET /v1/news/latest`` — ``limit`` (1..100, default 10), ``source`` → a bare JSON array of articles,
  newest first.
* ``GET /v1/news/timerange`` — ``start_date``, ``end_date`` (required ISO datetimes, inclusive; a datetime
  without offset is UTC; ``end_date`` must be after ``start_date``), ``page`` (≥ 1, default 1), ``size``
  (1..100, default 10), ``source`` → ``{news, total, page, size, has_next, has_prev}``.
* ``GET /v1/news/search`` — ``q`` (required; comma-separated terms), ``search_mode`` (``AND`` | ``OR`` |
  ``EXACT``, default ``OR``, any case), ``page``, ``size``, ``source`` → the same page shape. Matching is
  case-insensitive over title and short description (``shared.domain.news.service.matcher``).
* ``POST /v1/news/search/advanced`` — ``search_terms`` (required list), ``search_mode``, ``page``, ``size``,
  ``source``, ``country_code``, ``mission_name``, ``start_date``, ``end_date``, from the JSON body and/or
  the query string (the seed lists them as query parameters; repeated ``search_terms`` or one
  comma-separated value there) → the same page shape.

Article fields: ``id, title, short_description, source, mission_name, date, url, slug, last_updated,
country_code, mission_description, off_url, insertion_time, created_at, updated_at`` (unknown values
null). Pages past the end are empty (``has_prev`` true).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from shared.domain.errors import InvalidField
from shared.domain.news.models import NEWS_FIELDS, NewsArticle, utc
from shared.domain.news.service import NewsPage, NewsService, SearchMode, split_terms
from shared.surfaces.openapi import error_responses
from shared.surfaces.ssa.access import REQUIRE_SSA
from shared.wiring.catalog import news_service

router = APIRouter(tags=["News Operations"], dependencies=[REQUIRE_SSA])
ERRORS = error_responses("ssa", 401, 403, 422)


News = Annotated[NewsService, Depends(news_service)]

# --- requests -------------------------------------------------------------------------------------

MAX_TERMS = 50
MAX_PAGE = 1_000_000


def upper(value: Any) -> Any:
    """Search modes are accepted in any case (``and`` = ``AND``)."""
    return value.strip().upper() if isinstance(value, str) else value


def terms(value: Any) -> Any:
    """A list of terms, or one comma-separated string; each item is split at commas and stripped."""
    if isinstance(value, str):
        return split_terms(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return split_terms(value)
    return value


Mode = Annotated[SearchMode, BeforeValidator(upper)]
Term = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Filter = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Size = Annotated[int, Field(ge=1, le=100)]
QueryText = Annotated[str | None, Query(max_length=200)]


class AdvancedSearch(BaseModel):
    """``POST /v1/news/search/advanced``: read from the JSON body and the query string (the body wins
    for a field given in both)."""

    model_config = ConfigDict(extra="ignore")

    search_terms: Annotated[list[Term], BeforeValidator(terms), Field(min_length=1, max_length=MAX_TERMS)]
    search_mode: Mode = "OR"
    page: Page = 1
    size: Size = 10
    source: Filter | None = None
    country_code: Filter | None = None
    mission_name: Filter | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


# --- responses ------------------------------------------------------------------------------------


class NewsItem(BaseModel):
    """One article: every field present, unknown values null."""

    id: str
    title: str
    short_description: str | None
    source: str | None
    mission_name: str | None
    date: str | None
    url: str | None
    slug: str | None
    last_updated: str | None
    country_code: str | None
    mission_description: str | None
    off_url: str | None
    insertion_time: str | None
    created_at: str | None
    updated_at: str | None


class NewsPageOut(BaseModel):
    news: list[NewsItem]
    total: int
    page: int
    size: int
    has_next: bool
    has_prev: bool


def item_view(article: NewsArticle) -> NewsItem:
    dumped = article.model_dump()  # timestamps as ``…Z`` strings (the model's serialiser)
    return NewsItem.model_validate({name: dumped[name] for name in NEWS_FIELDS})


def page_view(page: NewsPage) -> NewsPageOut:
    return NewsPageOut(news=[item_view(a) for a in page.articles], total=page.total, page=page.page,
                       size=page.size, has_next=page.has_next, has_prev=page.has_prev)


# --- routes ---------------------------------------------------------------------------------------


def check_order(start: datetime | None, end: datetime | None, where: str) -> None:
    if start is not None and end is not None and utc(end) <= utc(start):
        raise InvalidField("end_date", "end_date must be after start_date", location=where)


@router.get("/v1/news/latest", response_model=list[NewsItem], summary="Get Latest News",
            operation_id="get_latest_news", responses=ERRORS)
def latest(news: News, limit: Annotated[int, Query(ge=1, le=100)] = 10, source: QueryText = None) -> list[NewsItem]:
    return [item_view(a) for a in news.latest(limit, source)]


@router.get("/v1/news/timerange", response_model=NewsPageOut, summary="Get News by Time Range",
            operation_id="get_news_by_time_range", responses=ERRORS)
def timerange(
    news: News,
    start_date: Annotated[datetime, Query()],
    end_date: Annotated[datetime, Query()],
    page: Annotated[Page, Query()] = 1,
    size: Annotated[Size, Query()] = 10,
    source: QueryText = None,
) -> NewsPageOut:
    check_order(start_date, end_date, "query")
    return page_view(news.timerange(start_date, end_date, page, size, source))


@router.get("/v1/news/search", response_model=NewsPageOut, summary="Search News", operation_id="search_news",
            responses=ERRORS)
def search(
    news: News,
    q: Annotated[str, Query(max_length=2000)],
    search_mode: Annotated[Mode, Query()] = "OR",
    page: Annotated[Page, Query()] = 1,
    size: Annotated[Size, Query()] = 10,
    source: QueryText = None,
) -> NewsPageOut:
    found = split_terms(q)
    if not found:
        raise InvalidField("q", "at least one search term is required", location="query")
    if len(found) > MAX_TERMS:
        raise InvalidField("q", f"at most {MAX_TERMS} search terms", location="query")
    return page_view(news.search(found, search_mode, page, size, source=source))


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RequestValidationError([{"loc": ("body",), "msg": f"invalid JSON: {exc}", "type": "json_invalid"}]
                                     ) from exc
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise RequestValidationError([{"loc": ("body",), "msg": "the body must be a JSON object",
                                       "type": "model_attributes_type"}])
    return body


@router.post("/v1/news/search/advanced", response_model=NewsPageOut, summary="Advanced News Search",
             operation_id="advanced_news_search", responses=ERRORS)
async def advanced_search(request: Request, news: News) -> NewsPageOut:
    body = await _body(request)
    query: dict[str, Any] = {}
    for name in AdvancedSearch.model_fields:
        values = request.query_params.getlist(name)
        if values:
            query[name] = values if name == "search_terms" else values[-1]
    where = {name: "query" for name in query} | {name: "body" for name in body}
    try:
        params = AdvancedSearch.model_validate({**query, **body})
    except ValidationError as exc:
        default = "body" if body else "query"
        errors = []
        for err in exc.errors(include_url=False, include_context=False):
            loc = tuple(err.get("loc", ()))
            origin = where.get(str(loc[0]), default) if loc else default
            errors.append({**err, "loc": (origin, *loc)})
        raise RequestValidationError(errors) from exc
    check_order(params.start_date, params.end_date, where.get("end_date", "body"))
    return page_view(news.search(
        params.search_terms, params.search_mode, params.page, params.size,
        source=params.source, country_code=params.country_code, mission_name=params.mission_name,
        start=params.start_date, end=params.end_date,
    ))
