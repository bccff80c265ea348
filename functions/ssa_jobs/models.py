"""SSA pass-analyzer and maneuver-detection requests (seed 002)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from shared.jsonsafe import StorableJson
from shared.timefmt import UtcDateTime

OLDEST_ANALYSIS = datetime(2025, 2, 4, tzinfo=UTC)  # seed 002: "Not older than February 4, 2025"
MAX_ANALYSIS_DAYS = 7


class Geometry(BaseModel):
    type: Literal["Point", "LineString", "Polygon"]
    coordinates: StorableJson

    @field_validator("coordinates")
    @classmethod
    def _numbers_only(cls, value):
        def check(v, depth=0):
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
    properties: StorableJson = {}


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
    def _offsets_required(cls, value):
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
