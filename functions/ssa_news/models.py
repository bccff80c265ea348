"""Inputs of the SSA news endpoints (seed 002, "News Operations")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from functions.ssa_news.logic import SearchMode, split_terms

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
