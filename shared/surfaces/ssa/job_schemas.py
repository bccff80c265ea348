"""SSA job schemas (seed 002): the pass-analyzer, maneuver-detection and alert-update requests as the seed
specifies them (types enforced, not coerced), and the response bodies of the job routes.

The pass-analyzer request is also the body of the pipeline mechanics' ``/pipeline/pass-analysis/initiate``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from shared.domain.jobs import models as domain
from shared.domain.jobs.service import HISTORY_INLINE_LIMIT_BYTES, INLINE_LIMIT_BYTES, RESULT_URL_EXPIRES_S
from shared.jsonsafe import StorableJson
from shared.timefmt import UtcDateTime

OLDEST_ANALYSIS = datetime(2025, 2, 4, tzinfo=UTC)  # seed 002: "Not older than February 4, 2025"
MAX_ANALYSIS_DAYS = 7


class Geometry(BaseModel):
    type: Literal["Point", "LineString", "Polygon"]
    coordinates: StorableJson

    @field_validator("coordinates")
    @classmethod
    def _numbers_only(cls, value: Any) -> Any:
        def check(v: Any, depth: int = 0) -> None:
            if isinstance(v, list) and depth < 4:
                for item in v:
                    check(item, depth + 1)
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError("coordinates must be nested arrays of numbers")
        if not isinstance(value, list):
            raise ValueError("coordinates must be an array")
        check(value)
        return value


class GroundLocation(BaseModel):
    type: Literal["Feature"]
    geometry: Geometry
    properties: StorableJson = Field(default_factory=dict)


class PassAnalyzerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ground_location: GroundLocation
    date: list[UtcDateTime] = Field(min_length=2)
    time_resolution: StrictInt = Field(ge=1, le=3600)
    min_elv_constraint: StrictInt = Field(ge=0, le=90)
    max_elv_constraint: StrictInt = Field(ge=0, le=90)
    norad_ids: list[StrictInt] = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=255)

    @field_validator("date", mode="before")
    @classmethod
    def _offsets_required(cls, value: Any) -> Any:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str) and not (item.endswith("Z") or "+" in item[10:] or "-" in item[10:]):
                    raise ValueError("each date needs a timezone offset (e.g. +00:00 or Z)")
        return value

    @field_validator("date")
    @classmethod
    def _increasing(cls, value: list[datetime]) -> list[datetime]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("dates must be strictly increasing")
        if value[0] < OLDEST_ANALYSIS:
            raise ValueError("dates must not be older than 2025-02-04")
        if (value[-1] - value[0]).total_seconds() > MAX_ANALYSIS_DAYS * 86400:
            raise ValueError(f"the analysis window may span at most {MAX_ANALYSIS_DAYS} days")
        return value

    @field_validator("norad_ids")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("duplicate NORAD ids are not allowed")
        if any(not 1 <= v <= 999_999_999 for v in value):
            raise ValueError("NORAD ids are integers from 1 to 999999999")
        return value

    @model_validator(mode="after")
    def _elevations(self) -> PassAnalyzerRequest:
        if self.max_elv_constraint <= self.min_elv_constraint:
            raise ValueError("max_elv_constraint must be greater than min_elv_constraint")
        return self

    def to_domain(self) -> domain.PassAnalysisRequest:
        return domain.PassAnalysisRequest.model_validate(self.model_dump())


class ManeuverRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    norad_ids: list[StrictInt] = Field(min_length=1, max_length=100)
    start_date: date
    end_date: date
    maxdv: float = Field(default=50.0, ge=0.1, le=1000.0, allow_inf_nan=False)
    mindv: float = Field(default=0.01, ge=0.001, le=100.0, allow_inf_nan=False)
    maneuver_detection_method: Literal["ml", "inc", "sma"] = "ml"
    force_data_source: Literal["spacetrack", "timescaledb"] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=255)

    @field_validator("norad_ids")
    @classmethod
    def _ids(cls, value: list[int]) -> list[int]:
        if any(not 1 <= v <= 999_999_999 for v in value):
            raise ValueError("NORAD ids are integers from 1 to 999999999")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _dates(self) -> ManeuverRequest:
        if self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        if (self.end_date - self.start_date).days > 30:
            raise ValueError("the maneuver detection period may span at most 30 days")
        return self

    def to_domain(self) -> domain.ManeuverRequest:
        return domain.ManeuverRequest.model_validate(self.model_dump())


class AlertUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    history_id: StrictInt | None = Field(default=None, ge=1)
    task_id: str | None = Field(default=None, min_length=1, max_length=64)
    alert: StrictBool

    @model_validator(mode="after")
    def _one_key(self) -> AlertUpdate:
        if self.history_id is None and self.task_id is None:
            raise ValueError("either history_id or task_id must be provided")
        return self


class AlertFlag(BaseModel):
    """``PUT /v1/query_history/{history_id}/alert``."""

    model_config = ConfigDict(extra="forbid")

    alert: StrictBool = Field(description="Alert flag for the query history entry")


# -- responses ----------------------------------------------------------------------------------------------
class PassAnalyzerSubmitted(BaseModel):
    """``POST /v1/pass_analyzer/`` (200)."""

    task_id: str
    status_url: str
    status: str
    name: str | None


RESULT_URL_DESCRIPTION = (
    f"Beyond the seed: when a completed analysis's result is larger than {INLINE_LIMIT_BYTES:,} bytes of JSON (a "
    "response stays under API Gateway's and Lambda's limits), `result` is null and this is a presigned HTTPS URL "
    f"(GET, no Authorization header) to the full result document, the same JSON `result` would hold, valid "
    f"{RESULT_URL_EXPIRES_S} seconds from this response (ask the status again for a fresh one). Results are kept "
    "30 days. Null otherwise.")


class TaskStatus(BaseModel):
    """``GET /v1/pass_analyzer_callback/{task_id}/status/`` (200)."""

    task_id: str
    status: Literal["pending", "in_progress", "completed", "failed"]
    progress: float
    result: dict[str, Any] | None = Field(description=(
        "A pass analysis: `Access_norad`, `duration_norad`, `timestamp`, `blindstamp`, and the element sets it "
        "used by NORAD id — `tle_epoch` (epoch), `tle_age_days` (age when the analysis ran, days) and "
        "`tle_warning` (sets older than the warning threshold). Inline when the result's JSON is at most "
        f"{INLINE_LIMIT_BYTES:,} bytes; beyond that `null`, and `result_url` gives the full JSON."),
        json_schema_extra={"properties": {
            "tle_epoch": {"type": "object", "additionalProperties": {"type": "string"}},
            "tle_age_days": {"type": "object", "additionalProperties": {"type": "number"}},
            "tle_warning": {"type": "object", "additionalProperties": {"type": "string"}}}})
    result_url: str | None = Field(default=None, description=RESULT_URL_DESCRIPTION)
    error: str | None
    name: str | None
    created_at: str
    updated_at: str


class OrbitalElements(BaseModel):
    semi_major_axis: float
    eccentricity: float
    inclination: float


class GaussDeltaV(BaseModel):
    along_track: float = Field(description="m/s, signed: v·Δa/(2a) from the semi-major-axis level shift")
    cross_track: float = Field(description="m/s: v·√(Δi² + (sin i·ΔΩ)²) from the inclination and "
                                           "drift-corrected RAAN level shifts")


class DetectedManeuver(BaseModel):
    norad_id: int  # beyond the seed: which of the requested satellites maneuvered
    date: str = Field(description="The maneuver time (UTC), as maneuver_time_utc")
    delta_v: float = Field(description="Δv (m/s) by Gauss's variational equations from the level shifts of the "
                                       "element sets on either side (robust levels over several sets): the "
                                       "along- and cross-track parts that are significant (ml), the along-track "
                                       "part (sma) or the cross-track part (inc)")
    maneuver_type: str = Field(description="sma: in-plane (semi-major axis); inc: plane change (inclination "
                                           "and/or RAAN)")
    orbital_elements_before: OrbitalElements
    orbital_elements_after: OrbitalElements
    sgp4_delta_v_mps: float = Field(description="|dv_vector_kmps| in m/s: the velocity difference where the two "
                                                "SGP4 trajectories come closest. The orbit before is the nearest set "
                                                "before the burn at its side's levels (semi-major axis, inclination, "
                                                "RAAN, eccentricity vector) taken at the burn; the orbit after is "
                                                "the nearest set after it with the levels after — an element the "
                                                "burn did not measurably change at both sides' pooled level — and "
                                                "its eccentricity vector the impulsive-burn model's: the level "
                                                "before plus a step of |Δa|/a along the measured step (a "
                                                "tangential burn at the burn point that fits it best; a radial "
                                                "part is not estimated). Agrees with delta_v")
    maneuver_time_utc: str = Field(description="Where the two trajectories come closest (an in-plane burn: in "
                                               "the revolution with no along-track drift, the point where they "
                                               "touch, i.e. where their radial separation is extreme and nearest "
                                               "zero; a plane change, which meets the old plane twice a "
                                               "revolution: the relative node nearest the middle of the gap "
                                               "between the two sets)")
    position_error_m: float = Field(description="The miss distance (m) of that closest approach: how far apart the "
                                                "two trajectories are at the maneuver point (not a fit residual)")
    dv_vector_kmps: list[float] = Field(description="The velocity difference after − before at the closest "
                                                    "approach, km/s, TEME frame (x, y, z)")
    time_series_data: dict[str, Any] = Field(description="epoch_before / epoch_after: the element sets either "
                                                         "side of the maneuver")
    probability: float = Field(description="Calibrated probability that the maneuver is real (learned model "
                                           "over per-gap features; reliability table in the README)")
    dv_rtn_mps: list[float] = Field(description="dv_vector_kmps in m/s in the RTN frame at the maneuver point "
                                                "(radial, along-track, cross-track)")
    gve_delta_v_mps: GaussDeltaV = Field(description="The Gauss's-equations components delta_v is made of")


class DateRange(BaseModel):
    start_date: str
    end_date: str


class ManeuverDetection(BaseModel):
    """``POST /v1/manuaver/`` (200)."""

    norad_ids: list[int]
    date_range: DateRange
    maneuvers: list[DetectedManeuver]
    total_maneuvers: int
    data_source: str
    name: str | None
    time_series_plot_data: dict[str, Any]
    Maneuver_magnitude: list[float]  # noqa: N815 (seed's field names)
    Epoch_start: list[str]  # noqa: N815
    Epoch_end: list[str]  # noqa: N815
    Maneuver_type: str | None  # noqa: N815
    probability: list[float]
    analysed_until: str = Field(description="The last UTC day analysed (YYYY-MM-DD): end_date, or today when "
                                            "end_date is after today")
    message: str | None = Field(description="Why fewer days than asked for were analysed (an end_date after "
                                            "today); null when the whole range was")
    insufficient_history: dict[str, str] = Field(
        default_factory=dict,
        description="NORAD id → why nothing could be detected for it: too few element sets in the window (at "
                    "least 4 usable ones are needed, the sets of the 5 days either side count). A satellite "
                    "listed here has no maneuvers because it could not have any found, not because it made none")


class HistoryEntry(BaseModel):
    """A query-history entry; only the requested ``attributes`` are present (unset ones are left out)."""

    id: int | None = None
    user_id: int | str | None = Field(
        default=None, description="The owner's user id (as register/login return it); a non-user caller's subject")
    user_email: str | None = None
    type: str | None = None
    request_type: str | None = None
    name: str | None = None
    request_body: dict[str, Any] | None = None
    response_body: dict[str, Any] | None = Field(default=None, description=(
        "`task_id`, `status` and `result`: a pass analysis's result is inline when its JSON is at most "
        f"{HISTORY_INLINE_LIMIT_BYTES:,} bytes (a page lists many entries); beyond that `result` is null and "
        f"`result_url` (beyond the seed) is a presigned URL to the full JSON, valid {RESULT_URL_EXPIRES_S} "
        "seconds."))
    task_id: str | None = None
    status: str | None = None
    alert: bool | None = None
    created_at: str | None = None
    updated_at: str | None = None


class QueryHistory(BaseModel):
    """``GET /v1/query_history/`` (200)."""

    history: list[HistoryEntry]
    total_count: int


class AlertUpdated(BaseModel):
    """``PUT /v1/query_history/alert`` (200)."""

    id: int
    user_email: str | None
    request_type: str
    alert: bool
    updated_at: str
    message: str
