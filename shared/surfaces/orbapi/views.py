"""orbapi wire views (seed 001) of catalogue objects, shared by the routers that show them."""

from __future__ import annotations

from pydantic import BaseModel

from shared.domain.catalog.models import Satellite, Station, Transmitter
from shared.domain.catalog.service import station_order
from shared.domain.stations.registry import RegistryEntry
from shared.surfaces.registry_extras import registry_extras
from shared.timefmt import iso_ms

__all__ = ["GroundStation", "station_order", "station_view"]


class GroundStation(BaseModel):
    id: str
    description: str
    latitude: float
    longitude: float
    altitude: int | float
    # beyond seed 001, for stations with a registry entry: the operator's status (testing / maintenance; the
    # heartbeat's online / offline is GET /orbapi/gs/id/{id}/status) and the antennas' bands
    operatorStatus: str | None = None  # noqa: N815
    bands: list[str] | None = None


class SatelliteItem(BaseModel):
    norad_cat_id: int
    name: str
    names: str
    status: str


class TleItem(BaseModel):
    id: int
    name: str
    tle0: str
    tle1: str
    tle2: str
    epoch: str


class TransmitterItem(BaseModel):
    uuid: str
    norad_cat_id: int | None
    description: str
    mode: str
    mode_id: int | None
    gs_id: str | None
    status: str
    downlink_low_hz: int | None = None  # beyond seed 001: what a station tunes its radio to
    uplink_low_hz: int | None = None


def station_view(st: Station, entry: RegistryEntry | None = None) -> dict[str, object]:
    return {
        "id": st.id,
        "description": st.description or st.name,
        "latitude": st.latitude,
        "longitude": st.longitude,
        "altitude": int(st.altitude) if float(st.altitude).is_integer() else st.altitude,
        **registry_extras(entry, "operatorStatus"),
    }


def satellite_view(sat: Satellite) -> dict[str, object]:
    return {"norad_cat_id": sat.norad_id, "name": sat.name, "names": sat.names or sat.name, "status": sat.status}


def tle_view(sat: Satellite) -> dict[str, object]:
    assert sat.tle is not None
    return {
        "id": sat.norad_id,
        "name": sat.name,
        "tle0": sat.tle.name or sat.names or sat.name,
        "tle1": sat.tle.line1,
        "tle2": sat.tle.line2,
        "epoch": iso_ms(sat.tle.epoch),
    }


def transmitter_view(tx: Transmitter) -> dict[str, object]:
    return {
        "uuid": tx.uuid,
        "norad_cat_id": tx.norad_cat_id,
        "description": tx.description,
        "mode": tx.mode,
        "mode_id": tx.mode_id,
        "gs_id": tx.gs_id,
        "status": tx.status,
        "downlink_low_hz": tx.downlink_low_hz,
        "uplink_low_hz": tx.uplink_low_hz,
    }
