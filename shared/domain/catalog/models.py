"""Catalogue domain models (pydantic v2): stations (= sites), satellites, element sets, transmitters,
spacecraft registrations. Wire shapes live with each surface; these are the stored truth."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.catalog.freshness import Freshness

AddOutcome = Literal["current", "history", "duplicate"]


class Station(BaseModel):
    """A ground station; Space Go calls it a *site*."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    acronym: str = Field(min_length=1, max_length=16)
    description: str = Field(default="", max_length=500)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    altitude: float = Field(ge=-500, le=9000, description="metres above the WGS-84 ellipsoid")
    min_elevation_deg: float = Field(default=10.0, ge=0, lt=90)


class ElementSetRecord(BaseModel):
    """One stored element set of a satellite's history (never overwritten)."""

    norad_id: int = Field(ge=1, le=999_999_999)
    name: str | None = None
    line1: str
    line2: str
    epoch: datetime
    source: str = "import"
    uploaded_by: str = "system"
    uploaded_at: datetime


class Satellite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    norad_id: int = Field(ge=1, le=999_999_999)
    name: str
    names: str = ""
    status: str = "alive"
    cospar_id: str | None = None
    country_operator: str | None = None
    operator: str | None = None
    class_of_orbit: str | None = None
    purpose: str | None = None
    detailed_purpose: str | None = None
    constellation_name: str | None = None
    date_of_launch: str | None = None
    # UCS-style descriptive fields (SSA catalogue); unknown values stay None. Orbital numbers
    # (apogee, perigee, eccentricity, inclination, period) are not stored: they are derived from ``tle``.
    satellite_name_official: str | None = None
    country_org_un_registry: str | None = None
    users: str | None = None
    type_of_orbit: str | None = None
    known_mass: str | None = None  # launch mass, kg, as the source gives it (seed 002 shows a string)
    expected_lifetime: str | None = None  # as the source gives it (years or an end year)
    longitude_of_geo_degrees: float | None = None
    dry_mass_kg: float | None = None
    power_watts: float | None = None
    contractor: str | None = None
    launch_site: str | None = None
    launch_vehicle: str | None = None
    comments: str | None = None
    source: str | None = None
    sensor_gsd_pan_m: float | None = None
    sensor_gsd_ms_m: float | None = None
    sensor_swath_km: float | None = None
    # from the SATCAT record (CelesTrak): PAY, R/B, DEB, UNK; the decay (re-entry) date, YYYY-MM-DD
    object_type: str | None = None
    decay_date: str | None = None
    tle: ElementSetRecord | None = None  # the current (latest-epoch) element set

    @field_validator("known_mass", "expected_lifetime", mode="before")
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        # Sources give these as numbers (UCS) or text (seed 002): keep them as text either way.
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return str(int(value)) if float(value).is_integer() else str(value)
        return value


class Transmitter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    uuid: str = Field(min_length=1, max_length=64)
    description: str = ""
    mode: str
    mode_id: int | None = None
    norad_cat_id: int | None = None
    gs_id: str | None = None
    status: str = "active"
    downlink_low_hz: int | None = None
    uplink_low_hz: int | None = None


class ServiceConfig(BaseModel):
    id: str = Field(min_length=1, max_length=64)  # appears in paths, bounded like every identifier there
    type: str = "contact"
    name: str = ""
    description: str = ""


class Spacecraft(BaseModel):
    """An operator's registration of a satellite (Space Go)."""

    model_config = ConfigDict(extra="ignore")

    spacecraft_id: str = Field(min_length=1, max_length=64)
    norad_id: int | None = None
    name: str
    acronym: str
    owner: str
    sites: list[str] = []
    booking_horizon_days: int = 30
    services: list[ServiceConfig] = []

    @field_validator("services")
    @classmethod
    def _unique_services(cls, value: list[ServiceConfig]) -> list[ServiceConfig]:
        ids = [s.id for s in value]
        if len(ids) != len(set(ids)):
            raise ValueError("service configuration ids must be unique")
        return value


@dataclass
class ImportReport:
    """What one import stored: ``stored`` new records (element sets: ``current`` of them became current),
    ``duplicates`` already stored, and one message per refused item."""

    kind: str
    stored: int = 0
    current: int = 0
    duplicates: int = 0
    errors: list[str] = dc_field(default_factory=list)
    became_current: set[int] = dc_field(default_factory=set)  # NORAD ids whose current element set changed

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "stored": self.stored, "current": self.current,
                "duplicates": self.duplicates, "errors": self.errors}


@dataclass(frozen=True)
class TleUploaded:
    """An element set uploaded for a spacecraft, as stored, and what storing it did."""

    line1: str
    line2: str
    epoch: datetime
    outcome: AddOutcome
    norad_id: int | None = None


@dataclass(frozen=True)
class TrackPoint:
    unix_ms: int
    latitude_deg: float
    longitude_deg: float
    altitude_km: float


@dataclass
class SatellitePosition:
    """A satellite's position now (``track[0]``) and its ground track on (WGS-84). ``error`` when it cannot
    be propagated now (then no track); ``warning`` when propagation fails before the horizon (the track
    stops there); ``freshness``: the epoch and age of the element set used."""

    norad_id: int
    name: str
    epoch: datetime | None
    speed_km_s: float | None = None
    track: list[TrackPoint] = dc_field(default_factory=list)
    error: str | None = None
    warning: str | None = None
    freshness: Freshness | None = None  # of the element set used (None without one)


@dataclass(frozen=True)
class Positions:
    now_unix_ms: int
    step_ms: int
    satellites: list[SatellitePosition]
