"""The station agent's configuration: one TOML or JSON file (``groundlink station run --config FILE``)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Endpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)


class RotatorLimits(BaseModel):
    """The mount's travel. ``flip``: ``auto`` lets a mount with elevation up to 180° take a pass that would
    cross its azimuth limit over the zenith with elevation > 90° instead (no 360° slew mid-pass)."""

    model_config = ConfigDict(extra="forbid")

    az_min: float = 0.0
    az_max: float = 360.0
    el_min: float = 0.0
    el_max: float = 90.0
    flip: Literal["auto", "never"] = "auto"

    @model_validator(mode="after")
    def _ranges(self) -> RotatorLimits:
        if not (self.az_max - self.az_min >= 360 and self.az_max - self.az_min <= 540):
            raise ValueError("az_max - az_min must be between 360 and 540 degrees")
        if not (-10 <= self.el_min < 90 <= self.el_max <= 180):
            raise ValueError("elevation limits must satisfy -10 <= el_min < 90 <= el_max <= 180")
        return self


class AgentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    broker_url: str = Field(description="the platform's API base URL, e.g. http://127.0.0.1:8000")
    token: str = Field(min_length=1, description="the station's API token (scope station, owner station-<id>)")
    station_id: str = Field(min_length=1)
    rotctld: Endpoint = Endpoint(port=4533)
    rigctld: Endpoint = Endpoint(port=4532)
    rotator: RotatorLimits = RotatorLimits()
    recorder: list[str] = Field(default_factory=list, description=(
        "the recorder command, one argument per item, each a template with {booking_id}, {slot_id}, {norad_id}, "
        "{satellite}, {start}, {end}, {duration_s}, {downlink_hz}, {uplink_hz}, {mode}, {output}"))
    recording_name: str = Field(default="recording-{booking_id}-{slot_id}.dat", pattern=r"^[A-Za-z0-9_.{}-]+$")
    work_dir: Path = Path("station-work")
    poll_interval_s: float = Field(default=30.0, gt=0, le=3600)
    update_interval_s: float = Field(default=0.5, gt=0, le=1.0, description="rotator/radio update period")
    rotator_step_deg: float = Field(default=0.1, ge=0, le=5, description=(
        "a new position is sent once it differs this much from the last one sent (a rotator restarts its move "
        "on every command)"))
    prepare_lead_s: float = Field(default=30.0, ge=0, description="point at the AOS position this early")
    default_downlink_hz: float | None = Field(default=None, description="when the satellite has no transmitter")
    default_mode: str = "FM"
    passband_hz: int = 15000



def load_config(path: Path) -> AgentConfig:
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    return AgentConfig.model_validate(data)
