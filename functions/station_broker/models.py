"""Station command-broker requests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ContactOutcome = Literal["completed", "failed", "partial"]


class ContactResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: ContactOutcome
    metrics: dict | list | None = None
    channels: list[dict] | None = Field(default=None, max_length=100)
    message: str | None = Field(default=None, max_length=1000)
