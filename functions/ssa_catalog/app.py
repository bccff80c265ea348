"""SSA catalogue endpoints (seed 002, "Satellite Operations"). Any valid JWT; errors
``{"detail", "status_code"}``, validation ``422 {"detail": [{loc, msg, type}]}`` naming the field.

* ``GET /v1/satellites/`` — ``limit`` (1..1000, default 100), ``offset`` (≥ 0), ``search`` (name
  substring, case-insensitive, or exact NORAD id), ``constellation`` and ``country`` (case-insensitive
  exact; ``country`` matches the operator country, the UN-registry country or the operator) →
  ``{"satellites": [{norad_id, cospar_id, constellation_name, satellite_name_official,
  country_org_un_registry, country_operator, operator, users, class_of_orbit, type_of_orbit, purpose,
  detailed_purpose, date_of_launch, known_mass, expected_lifetime}], "total_count", "limit", "offset"}``.
* ``POST /v1/norad_db`` ``{country_operator: [str] (required), detailed_purpose?, constellation_name?,
  attributes?}`` → ``{"data": [{<attribute>: value, ...}], "total_count": N}`` (the seed shows no
  response body; this is ours). Each filter matches case-insensitively and exactly any item of its
  list. ``attributes`` picks columns among the seed's "Available Attributes" (default: all of them, in
  the seed's order; ``satellite_name``, used in the seed's examples, is the official name); an unknown
  one is a 422 naming it.
* ``POST /v1/search`` ``{search_text, search_field, attributes?}`` → the same ``{"data", "total_count"}``:
  case-insensitive substring match on one of the seed's "Available Search Fields".
* ``POST /v1/get_constellation`` / ``/v1/get_detailed_purpose`` / ``/v1/get_satellite_types``
  ``{country_operator: [str]}`` → ``{"country_operator": [...], "constellations" | "detailed_purposes" |
  "satellite_types": [...]}`` — distinct non-null values, sorted (types in the seed's order EO, SAR,
  ELINT, Unknown sensor; see ``logic.SATELLITE_TYPE_RULES``).

Rows are ordered by NORAD id. Unknown values are null. ``id`` is the NORAD id (the catalogue's key);
apogee, perigee, eccentricity, inclination and period come from the current element set
(``orbital.py``), never from stored copies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from functions.ssa_catalog.logic import SsaCatalog
from functions.ssa_catalog.models import CountryRequest, NoradDbRequest, SearchRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.http import caller, create_app

app = create_app("ssa", "Groundlink SSA catalogue")
authenticated = caller()

QueryText = Annotated[str | None, Query(max_length=200)]


def catalog() -> SsaCatalog:
    return SsaCatalog(catalog_repository())


@app.get("/v1/satellites/", dependencies=[authenticated])
@app.get("/v1/satellites", dependencies=[authenticated], include_in_schema=False)
def list_satellites(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    search: QueryText = None,
    constellation: QueryText = None,
    country: QueryText = None,
) -> dict:
    return catalog().list(limit=limit, offset=offset, search=search, constellation=constellation, country=country)


@app.post("/v1/norad_db", dependencies=[authenticated])
def norad_db(request: NoradDbRequest) -> dict:
    return catalog().norad_db(
        request.country_operator, request.detailed_purpose, request.constellation_name, request.attributes
    )


@app.post("/v1/search", dependencies=[authenticated])
def search(request: SearchRequest) -> dict:
    return catalog().search(request.search_text, request.search_field, request.attributes)


@app.post("/v1/get_constellation", dependencies=[authenticated])
def get_constellation(request: CountryRequest) -> dict:
    countries = request.country_operator
    return {"country_operator": countries, "constellations": catalog().constellations(countries)}


@app.post("/v1/get_detailed_purpose", dependencies=[authenticated])
def get_detailed_purpose(request: CountryRequest) -> dict:
    countries = request.country_operator
    return {"country_operator": countries, "detailed_purposes": catalog().detailed_purposes(countries)}


@app.post("/v1/get_satellite_types", dependencies=[authenticated])
def get_satellite_types(request: CountryRequest) -> dict:
    countries = request.country_operator
    return {"country_operator": countries, "satellite_types": catalog().satellite_types(countries)}
