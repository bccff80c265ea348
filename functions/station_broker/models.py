"""Station command-broker requests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.jsonsafe import StorableJson, check_storable

ContactOutcome = Literal["completed", "failed", "partial"]


class ContactResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: ContactOutcome
    metrics: StorableJson = None  # an object or a list of metric series (stored as sent, bounded)
    channels: list[dict] | None = Field(default=None, max_length=100)

    @field_validator("metrics")
    @classmethod
    def _metrics_shape(cls, value):
        if value is not None and not isinstance(value, (dict, list)):
            raise ValueError("must be an object or a list")
        return value

    @field_validator("channels")
    @classmethod
    def _channels_storable(cls, value):
        return None if value is None else check_storable(value)
    message: str | None = Field(default=None, max_length=1000)
