"""SSA catalogue (seed 002, "Satellite Operations"). The ``ssa`` permission (else 403); errors
``{"detail", "status_code"}``, validation ``422 {"detail": [{loc, msg, type}]}`` naming the field.

* ``GET /v1/satellites/`` — ``limit`` (1..1000, default 100), ``offset`` (≥ 0), ``search`` (name
  substring, case-insensitive, or exact NORAD id), ``constellation`` and ``country`` (case-insensitive
  exact; ``country`` matches the operator country, the UN-registry country or the operator) →
  ``{"satellites": [{norad_id, cospar_id, constellation_name, satellite_name_official,
  country_org_un_registry, country_operator, operator, users, class_of_orbit, type_of_orbit, purpose,
  detailed_purpose, date_of_launch, known_mass, expected_lifetime}], "total_count", "limit", "offset"}``.
* ``POST /v1/norad_db`` ``{country_operator: [str] (required), detailed_purpose?, constellation_name?,
  attributes?}`` → ``{"data": [{<attribute>: value, ...}], "total_count": N, "message": "...",
  "status": "success"}`` (the seed's common success format, with the row count beside it). Each filter
  matches case-insensitively and exactly any item of its list. ``attributes`` picks columns among the
  seed's "Available Attributes" (default: all of them, in the seed's order; ``satellite_name``, used in
  the seed's examples, is the official name); an unknown one is a 422 naming it.
* ``POST /v1/search`` ``{search_text, search_field, attributes?}`` → the same
  ``{"data", "total_count", "message", "status"}``: case-insensitive substring match on one of the
  seed's "Available Search Fields".
* ``POST /v1/get_constellation`` / ``/v1/get_detailed_purpose`` / ``/v1/get_satellite_types``
  ``{country_operator: [str]}`` → the seed's common success format ``{"data": [...], "message": "...",
  "status": "success"}``, ``data`` the distinct non-null constellation names, detailed purposes or satellite
  types of those countries, sorted (types in the seed's order EO, SAR, ELINT, Unknown sensor; see
  ``shared.domain.catalog.service.SATELLITE_TYPE_RULES``).

Rows are ordered by NORAD id. Unknown values are null. ``id`` is the NORAD id (the catalogue's key);
apogee, perigee, eccentricity, inclination and period come from the current element set
(``shared.domain.catalog.orbital``), never from stored copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.domain.catalog.models import Satellite
from shared.domain.catalog.orbital import ORBITAL_FIELDS, orbital_numbers
from shared.domain.catalog.service import OFFICIAL_NAME, official_name
from shared.surfaces.catalog_service import Catalog
from shared.surfaces.openapi import error_responses
from shared.surfaces.ssa.access import REQUIRE_SSA

# Seed 002, "NORAD Database Search" → "Available Attributes" (their order is the default column order).
AVAILABLE_ATTRIBUTES: tuple[str, ...] = (
    "id", "norad_id", "cospar_id", "constellation_name",
    "current_official_name_of_satellite", "country_operator",
    "class_of_orbit", "purpose", "detailed_purpose",
    "date_of_launch", "known_mass", "expected_lifetime",
    "apogee_km", "perigee_km", "eccentricity", "inclination_degrees",
    "period_minutes", "longitude_of_geo_degrees",
    "dry_mass_kg", "power_watts", "contractor", "launch_site",
    "launch_vehicle", "comments", "source",
    "sensor_gsd_pan_m", "sensor_gsd_ms_m", "sensor_swath_km",
)  # fmt: skip
# The seed's own request examples ask for "satellite_name": accepted as another name of the official name.
ATTRIBUTE_ALIASES = {"satellite_name": "current_official_name_of_satellite"}
SELECTABLE_ATTRIBUTES = frozenset(AVAILABLE_ATTRIBUTES) | frozenset(ATTRIBUTE_ALIASES)

# Seed 002, "Flexible Search" → "Available Search Fields".
SEARCH_FIELDS: tuple[str, ...] = (
    "norad_id", "cospar_id", "constellation_name",
    "current_official_name_of_satellite", "country_operator",
    "operator", "users", "class_of_orbit", "purpose",
    "detailed_purpose", "date_of_launch", "known_mass",
    "contractor", "launch_site", "launch_vehicle",
)  # fmt: skip

# Seed 002, "List Satellites": the fields of each item, in the seed's order.
LIST_FIELDS: tuple[str, ...] = (
    "norad_id", "cospar_id", "constellation_name", "satellite_name_official", "country_org_un_registry",
    "country_operator", "operator", "users", "class_of_orbit", "type_of_orbit", "purpose", "detailed_purpose",
    "date_of_launch", "known_mass", "expected_lifetime",
)

MAX_ITEMS = 200


# -- requests ------------------------------------------------------------------------------------------
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
QueryText = Annotated[str | None, Query(max_length=200)]


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


# -- responses -----------------------------------------------------------------------------------------
class SatelliteListItem(BaseModel):
    norad_id: int
    cospar_id: str | None
    constellation_name: str | None
    satellite_name_official: str | None
    country_org_un_registry: str | None
    country_operator: str | None
    operator: str | None
    users: str | None
    class_of_orbit: str | None
    type_of_orbit: str | None
    purpose: str | None
    detailed_purpose: str | None
    date_of_launch: str | None
    known_mass: str | None
    expected_lifetime: str | None


class SatellitesPage(BaseModel):
    satellites: list[SatelliteListItem]
    total_count: int
    limit: int
    offset: int


class Success(BaseModel):
    """Seed 002's common success format: ``{"data": ..., "message": ..., "status": "success"}``."""

    message: str
    status: Literal["success"] = "success"


class SatelliteRows(Success):
    """The attributes asked for (all available ones by default), one object per satellite."""

    data: list[dict[str, Any]]
    total_count: int


class DistinctValues(Success):
    """The distinct values found for the countries asked for, sorted."""

    data: list[str]


# -- views ---------------------------------------------------------------------------------------------
NAME_ATTRIBUTES = frozenset({"current_official_name_of_satellite", "satellite_name_official", "satellite_name"})
ORBITAL_ATTRIBUTES = frozenset(ORBITAL_FIELDS)
STORED_ATTRIBUTES = frozenset(Satellite.model_fields) - {"tle", "name", "names", "status"}


def select(sat: Satellite, attributes: Sequence[str] | None) -> dict[str, Any]:
    """The attributes asked for (all available ones by default) of one satellite, unknown values None; the orbital
    numbers are worked out only when one of them is asked for."""
    out: dict[str, Any] = {}
    orbit: dict[str, float | None] | None = None
    for name in dict.fromkeys(attributes or AVAILABLE_ATTRIBUTES):
        if name == "id":
            out[name] = sat.norad_id
        elif name in NAME_ATTRIBUTES:
            out[name] = official_name(sat)
        elif name in ORBITAL_ATTRIBUTES:
            if orbit is None:
                orbit = orbital_numbers(sat.tle.line2 if sat.tle else None)
            out[name] = orbit[name]
        else:
            out[name] = getattr(sat, name) if name in STORED_ATTRIBUTES else None
    return out


def rows(sats: Sequence[Satellite], attributes: Sequence[str] | None, message: str) -> SatelliteRows:
    return SatelliteRows(data=[select(s, attributes) for s in sats], total_count=len(sats), message=message)


def distinct(values: list[str], what: str) -> DistinctValues:
    return DistinctValues(data=values, message=f"{what} retrieved successfully")


# -- routes --------------------------------------------------------------------------------------------
router = APIRouter(dependencies=[REQUIRE_SSA], tags=["Satellite Operations"])
ERRORS = error_responses("ssa", 401, 403, 422)


@router.get("/v1/satellites/", response_model=SatellitesPage, responses=ERRORS, summary="List Satellites",
            operation_id="list_satellites")
@router.get("/v1/satellites", response_model=SatellitesPage, include_in_schema=False)
def list_satellites(
    catalog: Catalog,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    search: QueryText = None,
    constellation: QueryText = None,
    country: QueryText = None,
) -> dict[str, Any]:
    sats = catalog.search_satellites(search=search, constellation=constellation, country=country)
    return {
        "satellites": [select(s, LIST_FIELDS) for s in sats[offset : offset + limit]],
        "total_count": len(sats),
        "limit": limit,
        "offset": offset,
    }


@router.post("/v1/norad_db", response_model=SatelliteRows, responses=ERRORS, summary="NORAD Database Search",
             operation_id="norad_db")
def norad_db(request: NoradDbRequest, catalog: Catalog) -> SatelliteRows:
    found = catalog.satellites_of_countries(request.country_operator, detailed_purpose=request.detailed_purpose,
                                            constellation_name=request.constellation_name)
    return rows(found, request.attributes, "NORAD database search completed successfully")


@router.post("/v1/search", response_model=SatelliteRows, responses=ERRORS, summary="Flexible Search",
             operation_id="search")
def search(request: SearchRequest, catalog: Catalog) -> SatelliteRows:
    field = OFFICIAL_NAME if request.search_field == "current_official_name_of_satellite" else request.search_field
    found = catalog.find_satellites_by_text(request.search_text, field)
    return rows(found, request.attributes, "Search completed successfully")


@router.post("/v1/get_constellation", response_model=DistinctValues, responses=ERRORS,
             summary="Get Constellation Data", operation_id="get_constellation")
def get_constellation(request: CountryRequest, catalog: Catalog) -> DistinctValues:
    return distinct(catalog.constellations(request.country_operator), "Constellations")


@router.post("/v1/get_detailed_purpose", response_model=DistinctValues, responses=ERRORS,
             summary="Get Detailed Purpose Data", operation_id="get_detailed_purpose")
def get_detailed_purpose(request: CountryRequest, catalog: Catalog) -> DistinctValues:
    return distinct(catalog.detailed_purposes(request.country_operator), "Detailed purposes")


@router.post("/v1/get_satellite_types", response_model=DistinctValues, responses=ERRORS,
             summary="Get Satellite Types", operation_id="get_satellite_types")
def get_satellite_types(request: CountryRequest, catalog: Catalog) -> DistinctValues:
    return distinct(catalog.satellite_types(request.country_operator), "Satellite types")
