"""SSA catalogue (seed 002, "Satellite Operations"): listing, NORAD database search, flexible search and
the per-country distinct values, over the shared catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from functions.ssa_catalog.orbital import orbital_numbers
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.domain.catalog.models import Satellite

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

# -- satellite types ("EO, SAR, ELINT, Unknown sensor") --------------------------------------------------
# The one mapping from a satellite's purpose / detailed purpose to its sensor type. The first rule whose
# pattern occurs (case-insensitively) in "<detailed_purpose> <purpose>" wins, so a radar imager whose
# purpose is "Earth Observation" is SAR, not EO.
SATELLITE_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ELINT", re.compile(r"\b(elint|sigint|signals? intelligence|electronic intelligence)\b", re.I)),
    ("SAR", re.compile(r"\b(sar|radar)\b|synthetic aperture", re.I)),
    ("EO", re.compile(r"earth observation|earth science|\bimaging\b|\boptical\b", re.I)),
)
UNKNOWN_SENSOR = "Unknown sensor"
SATELLITE_TYPES = ("EO", "SAR", "ELINT", UNKNOWN_SENSOR)  # the seed's order, also the order of answers


def satellite_type(sat: Satellite) -> str:
    text = f"{sat.detailed_purpose or ''} {sat.purpose or ''}"
    for name, pattern in SATELLITE_TYPE_RULES:
        if pattern.search(text):
            return name
    return UNKNOWN_SENSOR


def official_name(sat: Satellite) -> str:
    """The current official name; without one, the catalogue's full name, then its short name."""
    return sat.satellite_name_official or sat.names or sat.name


def record(sat: Satellite) -> dict[str, Any]:
    """Every attribute the SSA surface can return for one satellite (unknown values None)."""
    stored = sat.model_dump(exclude={"tle", "name", "names", "status"})
    orbit = orbital_numbers(sat.tle.line2 if sat.tle else None)
    orbit.pop("semi_major_axis_km")
    name = official_name(sat)
    return {
        **stored,
        **orbit,
        "id": sat.norad_id,
        "current_official_name_of_satellite": name,
        "satellite_name_official": name,
        "satellite_name": name,
    }


def select(rec: dict[str, Any], attributes: Sequence[str] | None) -> dict[str, Any]:
    names = attributes or AVAILABLE_ATTRIBUTES
    return {a: rec.get(a) for a in dict.fromkeys(names)}


def _fold(text: object) -> str:
    return str(text).strip().casefold()


def _one_of(values: Iterable[str] | None) -> Callable[[str | None], bool]:
    """Case-insensitive exact match on any of ``values``; no values (None or empty) matches everything."""
    wanted = {_fold(v) for v in values or ()}
    if not wanted:
        return lambda _: True
    return lambda value: value is not None and _fold(value) in wanted


def _sorted_unique(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v is not None and v.strip()}, key=lambda v: (v.casefold(), v))


class SsaCatalog:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def satellites(self) -> list[Satellite]:
        return sorted(self.repo.list_satellites(), key=lambda s: s.norad_id)

    # -- GET /v1/satellites/ ------------------------------------------------------------------------
    def list(
        self,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        constellation: str | None = None,
        country: str | None = None,
    ) -> dict[str, Any]:
        sats = self.satellites()
        if search is not None and search.strip():
            needle = _fold(search)
            exact_id = int(needle) if needle.isascii() and needle.isdigit() else None
            sats = [
                s for s in sats
                if s.norad_id == exact_id
                or any(needle in _fold(n) for n in (s.name, s.names, s.satellite_name_official) if n)
            ]  # fmt: skip
        if constellation is not None and constellation.strip():
            same = _one_of([constellation])
            sats = [s for s in sats if same(s.constellation_name)]
        if country is not None and country.strip():
            same = _one_of([country])
            sats = [s for s in sats if same(s.country_operator) or same(s.country_org_un_registry) or same(s.operator)]
        page = sats[offset : offset + limit]
        return {
            "satellites": [select(record(s), LIST_FIELDS) for s in page],
            "total_count": len(sats),
            "limit": limit,
            "offset": offset,
        }

    # -- POST /v1/norad_db ----------------------------------------------------------------------------
    def by_country(self, country_operator: Sequence[str]) -> list[Satellite]:
        country = _one_of(country_operator)
        return [s for s in self.satellites() if country(s.country_operator)]

    def norad_db(
        self,
        country_operator: Sequence[str],
        detailed_purpose: Sequence[str] | None = None,
        constellation_name: Sequence[str] | None = None,
        attributes: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        purpose, constellation = _one_of(detailed_purpose), _one_of(constellation_name)
        found = [
            s for s in self.by_country(country_operator)
            if purpose(s.detailed_purpose) and constellation(s.constellation_name)
        ]  # fmt: skip
        return {"data": [select(record(s), attributes) for s in found], "total_count": len(found)}

    # -- POST /v1/search ------------------------------------------------------------------------------
    def search(self, search_text: str, search_field: str, attributes: Sequence[str] | None = None) -> dict[str, Any]:
        needle = _fold(search_text)
        found = []
        for sat in self.satellites():
            rec = record(sat)
            candidates = [rec.get(search_field)]
            if search_field == "current_official_name_of_satellite":
                candidates += [sat.name, sat.names]
            if any(c is not None and needle in _fold(c) for c in candidates):
                found.append(rec)
        return {"data": [select(r, attributes) for r in found], "total_count": len(found)}

    # -- POST /v1/get_constellation, /v1/get_detailed_purpose, /v1/get_satellite_types -------------------
    def constellations(self, country_operator: Sequence[str]) -> list[str]:
        return _sorted_unique(s.constellation_name for s in self.by_country(country_operator))

    def detailed_purposes(self, country_operator: Sequence[str]) -> list[str]:
        return _sorted_unique(s.detailed_purpose for s in self.by_country(country_operator))

    def satellite_types(self, country_operator: Sequence[str]) -> list[str]:
        present = {satellite_type(s) for s in self.by_country(country_operator)}
        return [t for t in SATELLITE_TYPES if t in present]
