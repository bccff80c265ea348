"""Pass search: one satellite (stored or raw TLE) over one or more stations."""

from __future__ import annotations

from datetime import timedelta

from functions.orbapi_passes.models import MAX_DAYS, PassSearchRequest
from shared.dal.catalog import CatalogRepository
from shared.errors import BadRequest, NotFound
from shared.models.catalog import Station
from shared.orbapi_views import station_view
from shared.scheduling.passes import element_set_from_lines, element_set_of, predict, sgp4_warning
from shared.timefmt import as_utc, iso_ms, utcnow


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


class PassSearch:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def stations(self, ids: list[str] | None) -> list[Station]:
        if ids is None:
            return sorted(self.repo.list_stations(), key=lambda s: (len(s.id), s.id))
        out, seen = [], set()
        for gs_id in ids:
            if gs_id in seen:
                continue
            seen.add(gs_id)
            st = self.repo.get_station(gs_id)
            if st is None:
                raise NotFound(f"ground station {gs_id} not found")
            out.append(st)
        return out

    def search(self, req: PassSearchRequest) -> dict:
        now = utcnow()
        start = as_utc(req.start) if req.start else now
        end = as_utc(req.end) if req.end else start + timedelta(days=req.days)
        if end <= start:
            raise BadRequest("end: must be after start")
        end = min(end, start + timedelta(days=MAX_DAYS))

        if req.tle is not None:
            es = element_set_from_lines(req.tle.line1, req.tle.line2, req.tle.name)
            if req.noradId is not None and req.noradId != es.norad_id:
                raise BadRequest(f"noradId: {req.noradId} does not match the TLE's catalogue number {es.norad_id}")
            sat = self.repo.get_satellite(es.norad_id)
            name = req.tle.name or (sat.name if sat else str(es.norad_id))
            tle = {"name": name, "line1": es.line1, "line2": es.line2}
        else:
            sat = self.repo.get_satellite(req.noradId)
            if sat is None:
                raise NotFound(f"satellite {req.noradId} not found")
            es = element_set_of(sat)
            name = sat.name
            tle = {"name": sat.tle.name or sat.name, "line1": sat.tle.line1, "line2": sat.tle.line2}

        stations = self.stations(req.groundStationIds)
        table = predict(es, stations, start.timestamp(), end.timestamp(), req.minElevationDeg,
                        carrier_hz=req.carrierFrequencyHz)
        passes = []
        for i in range(len(table)):
            times, az, el = table.track(i, req.stepSeconds)
            item = {
                "groundStationId": stations[int(table.station_index[i])].id,
                "rise_time": iso_ms(table.rise_unix_s[i]),
                "set_time": iso_ms(table.set_unix_s[i]),
                "aos": iso_ms(table.rise_unix_s[i]),
                "los": iso_ms(table.set_unix_s[i]),
                "aos_azimuth": _r(table.rise_azimuth_deg[i], 2),
                "los_azimuth": _r(table.set_azimuth_deg[i], 2),
                "max_elevation": _r(table.max_elevation_deg[i], 3),
                "max_elevation_time": iso_ms(table.culmination_unix_s[i]),
                "slant_range_km": _r(table.slant_range_km[i], 1),
                "duration_s": _r(table.set_unix_s[i] - table.rise_unix_s[i], 1),
                "sunlit": bool(table.sunlit[i]),
                "in_progress_at_start": bool(table.starts_before_window[i]),
                "in_progress_at_end": bool(table.ends_after_window[i]),
                "polar_track": [
                    {"azimuth": _r(a, 2), "elevation": _r(e, 2), "time": iso_ms(t)}
                    for t, a, e in zip(times, az, el, strict=True)
                ],
            }
            if table.doppler_rise_hz is not None:
                item["doppler_aos_hz"] = _r(table.doppler_rise_hz[i], 1)
                item["doppler_los_hz"] = _r(table.doppler_set_hz[i], 1)
            passes.append(item)
        body = {
            "satellite": {"noradId": es.norad_id, "name": name, "tle": tle},
            "groundStations": [station_view(s) for s in stations],
            "passes": passes,
            "total": len(passes),
            "generated_at": iso_ms(now),
            "window": {"start": iso_ms(start), "end": iso_ms(end), "minElevationDeg": req.minElevationDeg,
                       "stepSeconds": req.stepSeconds},
        }
        warning = sgp4_warning(table)
        if warning:
            body["warnings"] = [warning]
        return body
