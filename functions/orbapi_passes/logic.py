"""Pass search: one satellite (stored or raw TLE) over one or more stations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from functions.orbapi_passes.models import MAX_DAYS, PassSearchRequest
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.domain.catalog.models import Station
from shared.domain.errors import InvalidRequest, NotFound
from shared.orbapi_views import station_order, station_view
from shared.scheduling.passes import (
    all_tracks,
    element_set_from_lines,
    element_set_of,
    iso_ms_array,
    predict,
    sgp4_warning,
)
from shared.timefmt import as_utc, iso_ms, utcnow


class PassSearch:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def stations(self, ids: list[str] | None) -> list[Station]:
        if ids is None:
            return sorted(self.repo.list_stations(), key=station_order)
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

    @staticmethod
    def _passes(table, stations: list[Station], step_s: int) -> list[dict]:
        """Wire rows for every pass; numbers rounded and times formatted as whole arrays."""
        n = len(table)
        if n == 0:
            return []
        rise, fall, culm = (iso_ms_array(a) for a in (table.rise_unix_s, table.set_unix_s, table.culmination_unix_s))
        aos_az, los_az = np.round(table.rise_azimuth_deg, 2).tolist(), np.round(table.set_azimuth_deg, 2).tolist()
        max_el = np.round(table.max_elevation_deg, 3).tolist()
        slant = np.round(table.slant_range_km, 1).tolist()
        duration = np.round(table.set_unix_s - table.rise_unix_s, 1).tolist()
        sunlit = table.sunlit.tolist()
        before, after = table.starts_before_window.tolist(), table.ends_after_window.tolist()
        gs = [stations[int(m)].id for m in table.station_index]
        out = []
        for i, (times, az, el) in enumerate(all_tracks(table, step_s)):
            track_times = iso_ms_array(times)
            item = {
                "groundStationId": gs[i],
                "rise_time": rise[i],
                "set_time": fall[i],
                "aos": rise[i],
                "los": fall[i],
                "aos_azimuth": aos_az[i],
                "los_azimuth": los_az[i],
                "max_elevation": max_el[i],
                "max_elevation_time": culm[i],
                "slant_range_km": slant[i],
                "duration_s": duration[i],
                "sunlit": sunlit[i],
                "in_progress_at_start": before[i],
                "in_progress_at_end": after[i],
                "polar_track": [
                    {"azimuth": a, "elevation": e, "time": t}
                    for a, e, t in zip(np.round(az, 2).tolist(), np.round(el, 2).tolist(), track_times, strict=True)
                ],
            }
            if table.doppler_rise_hz is not None:
                item["doppler_aos_hz"] = round(float(table.doppler_rise_hz[i]), 1)
                item["doppler_los_hz"] = round(float(table.doppler_set_hz[i]), 1)
            out.append(item)
        return out

    def search(self, req: PassSearchRequest) -> dict:
        now = utcnow()
        start = as_utc(req.start) if req.start else now
        end = as_utc(req.end) if req.end else start + timedelta(days=req.days)
        if end <= start:
            raise InvalidRequest("end: must be after start")
        end = min(end, start + timedelta(days=MAX_DAYS))

        if req.tle is not None:
            es = element_set_from_lines(req.tle.line1, req.tle.line2, req.tle.name)
            if req.noradId is not None and req.noradId != es.norad_id:
                raise InvalidRequest(f"noradId: {req.noradId} does not match the TLE's catalogue number {es.norad_id}")
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
        # a station cannot track below its own mask: such passes could not be booked either
        masks = [max(req.minElevationDeg, s.min_elevation_deg) for s in stations]
        table = predict(es, stations, start.timestamp(), end.timestamp(), masks, carrier_hz=req.carrierFrequencyHz)
        passes = self._passes(table, stations, req.stepSeconds)
        body = {
            "satellite": {"noradId": es.norad_id, "name": name, "tle": tle},
            "groundStations": [{**station_view(s), "minElevationDeg": m} for s, m in zip(stations, masks, strict=True)],
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
