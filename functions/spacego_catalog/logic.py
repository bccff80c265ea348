"""Space Go sites and spacecraft (seed 000) over the shared catalogue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.domain.catalog.models import ServiceConfig, Spacecraft, Station
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.identity import Principal
from shared.orbapi_views import station_order
from shared.timefmt import iso_s

SERVICE_TYPES = ("contact",)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def site_view(st: Station) -> dict:
    return {
        "id": st.id,
        "name": st.name,
        "acronym": st.acronym,
        "latitude": _num(st.latitude),
        "longitude": _num(st.longitude),
        "altitude": _num(st.altitude),
    }


def spacecraft_view(sc: Spacecraft, now: datetime | None = None) -> dict:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    view = {
        "spacecraft_id": sc.spacecraft_id,
        "name": sc.name,
        "acronym": sc.acronym,
        "services": {"contact": [s.id for s in sc.services if s.type == "contact"]},
        "sites": list(sc.sites),
        "booking_horizon": {"start": iso_s(now), "end": iso_s(now + timedelta(days=sc.booking_horizon_days))},
    }
    if sc.norad_id is not None:
        view["norad_id"] = sc.norad_id
    return view


def service_view(svc: ServiceConfig) -> dict:
    return {"id": svc.id, "name": svc.name, "description": svc.description}


def single_filter(params: dict[str, list[str]], allowed: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """Seed 000: only one query parameter per request; unknown parameters are refused too."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise InvalidRequest(f"unknown query parameter '{unknown[0]}' (allowed: {', '.join(allowed)})")
    if len(params) > 1:
        raise InvalidRequest(
            f"only one query parameter may be given per request, got {len(params)}: {', '.join(sorted(params))}"
        )
    if not params:
        return None
    name, values = next(iter(params.items()))
    values = [v for v in values if v != ""]
    return (name, values) if values else None


class SpaceGoCatalog:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def sites(self, params: dict[str, list[str]]) -> list[Station]:
        chosen = single_filter(params, ("name", "acronym"))
        stations = sorted(self.repo.list_stations(), key=station_order)
        if chosen is None:
            return stations
        field, values = chosen
        wanted = {v.casefold() for v in values}
        return [s for s in stations if getattr(s, field).casefold() in wanted]

    def site(self, site_id: str) -> Station:
        st = self.repo.get_station(site_id)
        if st is None:
            raise NotFound(f"site '{site_id}' does not exist")
        return st

    def _visible(self, sc: Spacecraft, principal: Principal) -> bool:
        return principal.can_see(sc.owner)

    def spacecraft_list(self, params: dict[str, list[str]], principal: Principal) -> list[Spacecraft]:
        chosen = single_filter(params, ("spacecraft_id", "name", "acronym", "norad_id"))
        visible = [s for s in self.repo.list_spacecraft() if self._visible(s, principal)]
        visible.sort(key=lambda s: s.spacecraft_id)
        if chosen is None:
            return visible
        field, values = chosen
        if field == "norad_id":
            try:
                ids = {int(v) for v in values}
            except ValueError:
                raise InvalidRequest("query parameter 'norad_id' must be a list of integers") from None
            return [s for s in visible if s.norad_id in ids]
        wanted = {v.casefold() for v in values}
        return [s for s in visible if str(getattr(s, field)).casefold() in wanted]

    def spacecraft(self, spacecraft_id: str, principal: Principal) -> Spacecraft:
        sc = self.repo.get_spacecraft(spacecraft_id)
        if sc is None or not self._visible(sc, principal):  # someone else's: 404, never 403
            raise NotFound(f"spacecraft '{spacecraft_id}' does not exist")
        return sc

    def tle(self, spacecraft_id: str, principal: Principal) -> dict:
        sc = self.spacecraft(spacecraft_id, principal)
        sat = self.repo.get_satellite(sc.norad_id) if sc.norad_id is not None else None
        if sat is None or sat.tle is None:
            raise NotFound(f"no TLE is available for spacecraft '{spacecraft_id}'")
        return {"line1": sat.tle.line1, "line2": sat.tle.line2}

    def services(
        self, spacecraft_id: str, service_type: str, principal: Principal, names: list[str] | None = None
    ) -> list[ServiceConfig]:
        if service_type not in SERVICE_TYPES:
            raise InvalidRequest(f"path parameter 'service_type': must be one of {', '.join(SERVICE_TYPES)}")
        sc = self.spacecraft(spacecraft_id, principal)
        out = [s for s in sc.services if s.type == service_type]
        if names:
            wanted = {n.casefold() for n in names}
            out = [s for s in out if s.name.casefold() in wanted]
        return out

    def service(self, spacecraft_id: str, service_type: str, service_id: str, principal: Principal) -> ServiceConfig:
        for svc in self.services(spacecraft_id, service_type, principal):
            if svc.id == service_id:
                return svc
        raise NotFound(f"service configuration '{service_id}' does not exist for spacecraft '{spacecraft_id}'")
