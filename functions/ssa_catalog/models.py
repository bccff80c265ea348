"""Request bodies of the SSA catalogue endpoints (seed 002, "Satellite Operations")."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from functions.ssa_catalog.logic import AVAILABLE_ATTRIBUTES, SEARCH_FIELDS, SELECTABLE_ATTRIBUTES

MAX_ITEMS = 200


def _known_attribute(value: str) -> str:
    if value not in SELECTABLE_ATTRIBUTES:
        raise ValueError(f"unknown attribute '{value}'; available: {', '.join(AVAILABLE_ATTRIBUTES)}")
    return value


def _known_search_field(value: str) -> str:
    if value not in SEARCH_FIELDS:
        raise ValueError(f"unknown search field '{value}'; available: {', '.join(SEARCH_FIELDS)}")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Attribute = Annotated[str, AfterValidator(_known_attribute)]
TextList = Annotated[list[Text], Field(max_length=MAX_ITEMS)]


class CountryRequest(BaseModel):
    """``/v1/get_constellation``, ``/v1/get_detailed_purpose``, ``/v1/get_satellite_types``."""

    model_config = ConfigDict(extra="ignore")

    country_operator: Annotated[list[Text], Field(min_length=1, max_length=MAX_ITEMS)]


class NoradDbRequest(CountryRequest):
    """``/v1/norad_db``; an omitted (or empty) optional filter does not filter."""

    detailed_purpose: TextList | None = None
    constellation_name: TextList | None = None
    attributes: Annotated[list[Attribute], Field(max_length=MAX_ITEMS)] | None = None


class SearchRequest(BaseModel):
    """``/v1/search``."""

    model_config = ConfigDict(extra="ignore")

    search_text: Text
    search_field: Annotated[str, AfterValidator(_known_search_field)]
    attributes: Annotated[list[Attribute], Field(max_length=MAX_ITEMS)] | None = None
