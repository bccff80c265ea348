"""Pass-search request (seed 001)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.timefmt import UtcDateTime

MAX_DAYS = 14
StationId = Annotated[str, Field(min_length=1, max_length=64)]


class TleIn(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    line1: str = Field(min_length=1, max_length=80)
    line2: str = Field(min_length=1, max_length=80)


class PassSearchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    noradId: int | None = Field(default=None, ge=1, le=999_999_999)  # noqa: N815 (seed's field names)
    tle: TleIn | None = None
    days: float = Field(default=7, gt=0, le=MAX_DAYS, allow_inf_nan=False)
    start: UtcDateTime | None = None
    end: UtcDateTime | None = None
    groundStationIds: list[StationId] | None = Field(default=None, min_length=1, max_length=200)  # noqa: N815
    minElevationDeg: float = Field(default=10, ge=0, lt=90, allow_inf_nan=False)  # noqa: N815
    stepSeconds: int = Field(default=60, ge=15, le=300)  # noqa: N815
    carrierFrequencyHz: float | None = Field(default=None, gt=0, le=300e9, allow_inf_nan=False)  # noqa: N815

    @field_validator("groundStationIds", mode="before")
    @classmethod
    def _ids_as_strings(cls, value):
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_satellite(self) -> PassSearchRequest:
        if self.noradId is None and self.tle is None:
            raise ValueError("either noradId or tle is required")
        return self
