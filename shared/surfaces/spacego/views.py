"""Space Go wire shapes (seed 000 "Data Models": Site, Spacecraft, ContactServiceConfiguration, TLE) and
the views mapping catalogue objects to them."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from shared.domain.catalog.models import ElementSetRecord, ServiceConfig, Spacecraft, Station
from shared.domain.ledger.policy import booking_horizon
from shared.domain.stations.registry import RegistryEntry
from shared.surfaces.registry_extras import registry_extras
from shared.timefmt import iso_s


class Site(BaseModel):
    id: str
    name: str
    acronym: str
    latitude: str
    longitude: str
    altitude: str
    # beyond seed 000, for sites with a registry entry: the operator's status and the antennas' bands
    operational_status: str | None = None
    bands: list[str] | None = None


class TimeSlot(BaseModel):
    start: str
    end: str


class SpacecraftConfigurations(BaseModel):
    contact: list[str] | None = None


class SpacecraftBody(BaseModel):
    """Seed 000 ``Spacecraft``; ``norad_id`` is absent when unknown."""

    spacecraft_id: str
    norad_id: int | None = None
    name: str
    acronym: str
    services: SpacecraftConfigurations
    sites: list[str]
    booking_horizon: TimeSlot | None = None


class ContactServiceConfiguration(BaseModel):
    """A contact service configuration (seed 000): in a contact request, in contacts and in the catalogue."""

    id: str = Field(min_length=1, max_length=64, description="ID of the service configuration.")
    name: str | None = Field(default=None, description="Contact service name.")
    description: str | None = Field(default=None, description="Contact service description.")


class Tle(BaseModel):
    line1: str
    line2: str


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def site_view(st: Station, entry: RegistryEntry | None = None) -> dict[str, object]:
    return {
        "id": st.id,
        "name": st.name,
        "acronym": st.acronym,
        "latitude": _num(st.latitude),
        "longitude": _num(st.longitude),
        "altitude": _num(st.altitude),
        **registry_extras(entry, "operational_status"),
    }


def spacecraft_view(sc: Spacecraft, now: datetime | None = None) -> dict[str, object]:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    view: dict[str, object] = {
        "spacecraft_id": sc.spacecraft_id,
        "name": sc.name,
        "acronym": sc.acronym,
        "services": {"contact": [s.id for s in sc.services if s.type == "contact"]},
        "sites": list(sc.sites),
        # the horizon contacts are really accepted in: the registration's, capped by the prediction horizon
        "booking_horizon": {"start": iso_s(now), "end": iso_s(booking_horizon(now, sc.booking_horizon_days))},
    }
    if sc.norad_id is not None:
        view["norad_id"] = sc.norad_id
    return view


def service_view(svc: ServiceConfig) -> dict[str, object]:
    return {"id": svc.id, "name": svc.name, "description": svc.description}


def tle_view(es: ElementSetRecord) -> dict[str, object]:
    return {"line1": es.line1, "line2": es.line2}
