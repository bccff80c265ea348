"""Request body of ``POST /v1/get_current_position`` (seed 002)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_SATELLITES = 100
NoradId = Annotated[int, Field(strict=True, ge=1, le=999_999_999)]


class CurrentPositionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    norad_ids: Annotated[list[NoradId], Field(min_length=1, max_length=MAX_SATELLITES)]

    @field_validator("norad_ids")
    @classmethod
    def _no_duplicates(cls, value: list[int]) -> list[int]:
        seen: set[int] = set()
        duplicates = sorted({n for n in value if n in seen or seen.add(n)})
        if duplicates:
            raise ValueError(f"duplicate NORAD ids: {', '.join(map(str, duplicates))}")
        return value
