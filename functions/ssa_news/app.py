"""SSA news endpoints (seed 002, "News Operations"). Any valid JWT; errors ``{"detail", "status_code"}``,
validation ``422 {"detail": [{loc, msg, type}]}`` naming the parameter.

* ``GET /v1/news/latest`` — ``limit`` (1..100, default 10), ``source`` → a bare JSON array of articles,
  newest first.
* ``GET /v1/news/timerange`` — ``start_date``, ``end_date`` (required ISO datetimes, inclusive; a datetime
  without offset is UTC; ``end_date`` must be after ``start_date``), ``page`` (≥ 1, default 1), ``size``
  (1..100, default 10), ``source`` → ``{news, total, page, size, has_next, has_prev}``.
* ``GET /v1/news/search`` — ``q`` (required; comma-separated terms), ``search_mode`` (``AND`` | ``OR`` |
  ``EXACT``, default ``OR``, any case), ``page``, ``size``, ``source`` → the same page shape. Matching is
  case-insensitive over title and short description (see ``logic.matcher``).
* ``POST /v1/news/search/advanced`` — ``search_terms`` (required list), ``search_mode``, ``page``, ``size``,
  ``source``, ``country_code``, ``mission_name``, ``start_date``, ``end_date``, from the JSON body and/or
  the query string (the seed lists them as query parameters; repeated ``search_terms`` or one
  comma-separated value there) → the same page shape.

Article fields: ``id, title, short_description, source, mission_name, date, url, slug, last_updated,
country_code, mission_description, off_url, insertion_time, created_at, updated_at`` (unknown values
null). ``source`` and ``country_code`` filters match case-insensitively and exactly, ``mission_name`` as a
case-insensitive substring. Pages past the end are empty (``has_prev`` true).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from functions.ssa_news.logic import SsaNews, split_terms
from functions.ssa_news.models import MAX_TERMS, AdvancedSearch, Mode, Page, Size
from shared.adapters.dynamo.news import news_repository
from shared.domain.news.models import utc
from shared.http import caller, create_app

app = create_app("ssa", "Groundlink SSA news")
authenticated = caller()

QueryText = Annotated[str | None, Query(max_length=200)]


def news() -> SsaNews:
    return SsaNews(news_repository())


def invalid(where: str, field: str, msg: str) -> RequestValidationError:
    return RequestValidationError([{"loc": (where, field), "msg": msg, "type": "value_error"}])


def check_order(start: datetime | None, end: datetime | None, where: str) -> None:
    if start is not None and end is not None and utc(end) <= utc(start):
        raise invalid(where, "end_date", "end_date must be after start_date")


@app.get("/v1/news/latest", dependencies=[authenticated])
def latest(limit: Annotated[int, Query(ge=1, le=100)] = 10, source: QueryText = None) -> list[dict]:
    return news().latest(limit, source)


@app.get("/v1/news/timerange", dependencies=[authenticated])
def timerange(
    start_date: Annotated[datetime, Query()],
    end_date: Annotated[datetime, Query()],
    page: Annotated[Page, Query()] = 1,
    size: Annotated[Size, Query()] = 10,
    source: QueryText = None,
) -> dict:
    check_order(start_date, end_date, "query")
    return news().timerange(start_date, end_date, page, size, source)


@app.get("/v1/news/search", dependencies=[authenticated])
def search(
    q: Annotated[str, Query(max_length=2000)],
    search_mode: Annotated[Mode, Query()] = "OR",
    page: Annotated[Page, Query()] = 1,
    size: Annotated[Size, Query()] = 10,
    source: QueryText = None,
) -> dict:
    terms = split_terms(q)
    if not terms:
        raise invalid("query", "q", "at least one search term is required")
    if len(terms) > MAX_TERMS:
        raise invalid("query", "q", f"at most {MAX_TERMS} search terms")
    return news().search(terms, search_mode, page, size, source=source)


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


@app.post("/v1/news/search/advanced", dependencies=[authenticated])
async def advanced_search(request: Request) -> dict:
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
    return news().search(
        params.search_terms, params.search_mode, params.page, params.size,
        source=params.source, country_code=params.country_code, mission_name=params.mission_name,
        start=params.start_date, end=params.end_date,
    )
