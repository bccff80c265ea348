"""orbapi pass search (seed 001 "Satellite Pass Search")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.catalog.models import Station
from shared.domain.ledger.policy import PREDICTION_HORIZON
from shared.domain.scheduling.search import PassQuery, PassSearch, PassSearchResult, TleLines
from shared.errors import JSONResponse
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.views import station_view
from shared.timefmt import UtcDateTime, as_utc, iso_ms
from shared.wiring import ledger as wiring

if TYPE_CHECKING:
    from groundlink_orbit import PassTable

router = APIRouter(tags=["Satellite Pass Search"])

MAX_DAYS = PREDICTION_HORIZON.days
StationId = Annotated[str, Field(min_length=1, max_length=64)]
Search = Annotated[PassSearch, Depends(wiring.pass_search)]


class TleIn(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    line1: str = Field(min_length=1, max_length=80)
    line2: str = Field(min_length=1, max_length=80)


class PassSearchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    noradId: int | None = Field(default=None, ge=1, le=999_999_999,  # noqa: N815 (seed's field names)
                                description="Satellite NORAD catalog ID. Required if tle is not provided.")
    tle: TleIn | None = Field(default=None, description="Raw TLE. Required if noradId is not provided.")
    days: float = Field(default=7, gt=0, le=MAX_DAYS, allow_inf_nan=False,
                        description=f"Number of days to search. Defaults to 7, maximum {MAX_DAYS}.")
    start: UtcDateTime | None = Field(default=None, description="Search start. Defaults to the current time.")
    end: UtcDateTime | None = Field(default=None, description=f"Search end. Capped to start + {MAX_DAYS} days.")
    groundStationIds: list[StationId] | None = Field(default=None, min_length=1, max_length=200)  # noqa: N815
    minElevationDeg: float = Field(default=10, ge=0, lt=90, allow_inf_nan=False)  # noqa: N815
    stepSeconds: int = Field(default=60, ge=15, le=300)  # noqa: N815
    carrierFrequencyHz: float | None = Field(default=None, gt=0, le=300e9, allow_inf_nan=False,  # noqa: N815
                                             description="Groundlink: adds Doppler shifts at AOS and LOS")
    omitPolarTrack: bool = Field(default=False, strict=True,  # noqa: N815
                                 description="Groundlink: true answers every pass with an empty `polar_track` "
                                             "(smaller and faster when only the pass times are needed). "
                                             "Defaults to false: the tracks, sampled every `stepSeconds`.")

    @field_validator("groundStationIds", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_satellite(self) -> PassSearchRequest:
        if self.noradId is None and self.tle is None:
            raise ValueError("either noradId or tle is required")
        return self

    def query(self) -> PassQuery:
        tle = TleLines(self.tle.name, self.tle.line1, self.tle.line2) if self.tle else None
        return PassQuery(norad_id=self.noradId, tle=tle, days=self.days,
                         start=as_utc(self.start) if self.start else None, end=as_utc(self.end) if self.end else None,
                         station_ids=self.groundStationIds, min_elevation_deg=self.minElevationDeg,
                         carrier_hz=self.carrierFrequencyHz)


# -- the response (documented; the body is built from whole arrays for speed and checked by the tests) ------
class TrackPoint(BaseModel):
    azimuth: float
    elevation: float
    time: str


class PassOut(BaseModel):
    groundStationId: str  # noqa: N815
    rise_time: str
    set_time: str
    aos: str
    los: str
    aos_azimuth: float
    los_azimuth: float
    max_elevation: float
    max_elevation_time: str
    slant_range_km: float
    duration_s: float
    sunlit: bool
    in_progress_at_start: bool
    in_progress_at_end: bool
    doppler_aos_hz: float | None = None
    doppler_los_hz: float | None = None
    polar_track: list[TrackPoint]


class TleOut(BaseModel):
    name: str | None
    line1: str
    line2: str


class SatelliteOut(BaseModel):
    noradId: int  # noqa: N815
    name: str
    tle: TleOut


class StationOut(BaseModel):
    id: str
    description: str | None
    latitude: float
    longitude: float
    altitude: float
    minElevationDeg: float  # noqa: N815


class PassSearchResponse(BaseModel):
    satellite: SatelliteOut
    groundStations: list[StationOut]  # noqa: N815
    passes: list[PassOut]
    total: int
    generated_at: str
    window: dict[str, Any]
    warnings: list[str] | None = None
    tleEpoch: str = Field(description="Epoch of the element set the passes were predicted from")  # noqa: N815
    tleAgeDays: float = Field(description="Age of that element set at `generated_at`, in days")  # noqa: N815
    tleWarning: str | None = Field(default=None, description="Present when the element set is older than the "  # noqa: N815
                                   "warning threshold (also listed in `warnings`)")


def pass_rows(r: PassSearchResult, step_s: int, polar_tracks: bool = True) -> list[Any]:
    """Wire rows for every pass. A pass kept by the pass cache (``r.notes``) keeps its row as JSON text
    (``orjson.Fragment``, written as it is): a warm search joins those; the others are built from whole arrays
    (``wire_rows``) and, when kept, noted for the next search."""
    n = len(r.table)
    notes = r.notes if len(r.notes) == n else [None] * n
    key = ("orbapi.pass_row", step_s, polar_tracks)
    out: list[Any] = [note.get(key) if note is not None else None for note in notes]
    todo = [i for i, row in enumerate(out) if row is None]
    if not todo:
        return out
    table = r.table
    if len(todo) < n:
        import numpy as np

        from shared.domain.scheduling.passes import select_passes

        keep = np.zeros(n, dtype=bool)
        keep[todo] = True
        table = select_passes(table, keep)
    import orjson

    for i, row in zip(todo, wire_rows(table, r.stations, step_s, polar_tracks), strict=True):
        note = notes[i]
        if note is None:
            out[i] = row
            continue
        text = orjson.dumps(row)
        out[i] = orjson.Fragment(text)
        note.put(key, out[i], len(text))
    return out


def wire_rows(table: PassTable, stations: list[Station], step_s: int, polar_tracks: bool = True
              ) -> list[dict[str, Any]]:
    """Wire rows for every pass of ``table``; numbers rounded and times formatted as whole arrays (the polar tracks
    of all passes at once, then sliced per pass)."""
    import numpy as np  # with the orbit core: loaded by the first search, not by the cold start

    from shared.domain.scheduling.passes import iso_ms_array, track_samples

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
    ids = [s.id for s in stations]
    gs = [ids[m] for m in table.station_index.tolist()]
    tracks: list[Any] = [[] for _ in range(n)]
    if polar_tracks:
        from shared.surfaces.orbapi.track_json import track_fragments

        samples = track_samples(table, step_s)
        az, el = np.round(samples.azimuth_deg, 2), np.round(samples.elevation_deg, 2)
        fragments = track_fragments(az, el, samples.time_unix_s, samples.offsets)
        if fragments is not None:  # each pass's track as JSON text (orjson writes it as it is)
            tracks = fragments
        else:
            points = [{"azimuth": a, "elevation": e, "time": t} for a, e, t in zip(
                az.tolist(), el.tolist(), iso_ms_array(samples.time_unix_s), strict=True)]
            bounds = samples.offsets.tolist()
            tracks = [points[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    aos_hz, los_hz = table.doppler_rise_hz, table.doppler_set_hz
    out = []
    for i in range(n):
        item = {
            "groundStationId": gs[i], "rise_time": rise[i], "set_time": fall[i], "aos": rise[i], "los": fall[i],
            "aos_azimuth": aos_az[i], "los_azimuth": los_az[i], "max_elevation": max_el[i],
            "max_elevation_time": culm[i], "slant_range_km": slant[i], "duration_s": duration[i],
            "sunlit": sunlit[i], "in_progress_at_start": before[i], "in_progress_at_end": after[i],
            "polar_track": tracks[i],
        }
        if aos_hz is not None and los_hz is not None:
            item["doppler_aos_hz"] = round(float(aos_hz[i]), 1)
            item["doppler_los_hz"] = round(float(los_hz[i]), 1)
        out.append(item)
    return out


def station_out(st: Station, flat_deg: float, mask: tuple[list[float], list[float]] | None) -> dict[str, Any]:
    """A searched station: seed 001's fields, the flat minimum elevation applied and, when the registry has one,
    the horizon mask the passes were cut to (points of azimuth → minimum elevation, degrees)."""
    out: dict[str, Any] = {**station_view(st), "minElevationDeg": flat_deg}
    if mask is not None:
        out["horizonMask"] = [{"azimuth_deg": a, "min_elevation_deg": e} for a, e in zip(*mask, strict=True)]
    return out


def search_view(r: PassSearchResult, req: PassSearchRequest) -> dict[str, Any]:
    passes = pass_rows(r, req.stepSeconds, polar_tracks=not req.omitPolarTrack)
    body: dict[str, Any] = {
        "satellite": {"noradId": r.element_set.norad_id, "name": r.name,
                      "tle": {"name": r.tle.name, "line1": r.tle.line1, "line2": r.tle.line2}},
        "groundStations": [station_out(s, m, h) for s, m, h in
                           zip(r.stations, r.masks, r.horizon_masks or [None] * len(r.stations), strict=True)],
        "passes": passes,
        "total": len(passes),
        "generated_at": iso_ms(r.generated_at),
        "window": {"start": iso_ms(r.start), "end": iso_ms(r.end), "minElevationDeg": req.minElevationDeg,
                   "stepSeconds": req.stepSeconds},
    }
    fresh = r.freshness
    body.update(tleEpoch=fresh.epoch_iso, tleAgeDays=fresh.age_days_rounded)
    warnings = [w for w in (r.warning, fresh.warning, *r.withheld) if w]
    if fresh.warning:
        body["tleWarning"] = fresh.warning
    if warnings:
        body["warnings"] = warnings
    return body


@router.post("/orbapi/passes/search", dependencies=[caller("passes:read")], summary="Satellite Pass Search",
             responses={200: {"model": PassSearchResponse, "description": "Predicted passes"},
                        **error_responses("orbapi", 400, 401, 403, 404)})
def search_passes(request: PassSearchRequest, search: Search) -> JSONResponse:
    # the body is plain JSON types already: rendered directly, without FastAPI's per-value encoder walk
    return JSONResponse(search_view(search.search(request.query()), request))
