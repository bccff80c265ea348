"""The station registry: what a ground station can do and when it can do it.

Per station: antennas with their frequency bands and rotator limits, a horizon mask (azimuth → minimum
elevation, interpolated linearly and wrapping at 360°), an operator status beside the heartbeat
(``testing`` / ``maintenance``) and unavailability windows.

Rules (the ledger and the pass search apply them through ``registry_rules.StationRules``):

- A station **without a registry entry** works as before: its flat ``min_elevation_deg``, no band check, no
  windows. An entry **without antennas** skips the band check; an entry **without a mask** keeps the flat
  minimum elevation.
- A pass counts only while the satellite is above the mask (AOS/LOS at the mask crossing).
- ``maintenance``: no new booking or contact, no availability, no passes offered. ``testing``: bookable
  (operators fly test contacts), shown as such where stations are listed.
- An unavailability window blocks availability, passes and new bookings overlapping it; adding one moves the
  reservations not yet begun inside it to Review, naming the window and its reason.
- Band check: the frequencies a contact uses (the owner's newest mission profile stating a radio frequency,
  else every active downlink transmitter of the satellite) must fall in a downlink band of one of the station's
  antennas; a satellite with no known frequency is not checked.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.timefmt import iso_ms

BandDirection = Literal["downlink", "uplink"]
OperatorStatus = Literal["testing", "maintenance"]
MASK_MIN_ELEVATION_DEG = -5.0
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=32, description='e.g. "S", "X", "UHF"')
    min_mhz: float = Field(gt=0, le=300_000)
    max_mhz: float = Field(gt=0, le=300_000)
    direction: BandDirection

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not self.min_mhz < self.max_mhz:
            raise ValueError(f"band {self.name}: min_mhz ({self.min_mhz:g}) must be below max_mhz ({self.max_mhz:g})")
        return self

    def covers(self, hz: float) -> bool:
        return self.min_mhz * 1e6 <= hz <= self.max_mhz * 1e6

    def label(self) -> str:
        return f"{self.name} {self.direction} {self.min_mhz:g}–{self.max_mhz:g} MHz"


class RotatorLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    az_min: float = Field(default=0.0, ge=-360, le=720)
    az_max: float = Field(default=360.0, ge=-360, le=720)
    el_min: float = Field(default=0.0, ge=MASK_MIN_ELEVATION_DEG, le=90)
    el_max: float = Field(default=90.0, ge=MASK_MIN_ELEVATION_DEG, le=180)

    @model_validator(mode="after")
    def _ordered(self) -> RotatorLimits:
        if not self.az_min < self.az_max:
            raise ValueError("rotator: az_min must be below az_max")
        if not self.el_min < self.el_max:
            raise ValueError("rotator: el_min must be below el_max")
        return self


class Antenna(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    bands: list[Band] = Field(min_length=1, max_length=20)
    rotator: RotatorLimits = Field(default_factory=RotatorLimits)


class MaskPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    azimuth_deg: float = Field(ge=0, lt=360)
    min_elevation_deg: float = Field(ge=MASK_MIN_ELEVATION_DEG, le=90)


class UnavailabilityWindow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    start: datetime
    end: datetime
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone (e.g. 2026-05-06T10:00:00Z)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> UnavailabilityWindow:
        if not self.start < self.end:
            raise ValueError(f"window {self.id}: end must be after start")
        return self

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def describe(self) -> str:
        return f"unavailability window {self.id} ({iso_ms(self.start)}–{iso_ms(self.end)}): {self.reason}"


def _require_unique(kind: str, ids: list[str]) -> None:
    """Refuses a list whose ids repeat, naming every repeated id."""
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"{kind} ids must be unique (repeated: {', '.join(dup)})")


class RegistryEntry(BaseModel):
    """One station's registry entry (``version`` counts its writes: the store's optimistic lock)."""

    model_config = ConfigDict(extra="forbid")

    gs_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    antennas: list[Antenna] = Field(default_factory=list, max_length=20)
    horizon_mask: list[MaskPoint] = Field(default_factory=list, max_length=360)
    status: OperatorStatus | None = None
    windows: list[UnavailabilityWindow] = Field(default_factory=list, max_length=500)
    updated_at: datetime | None = None
    version: int = Field(default=0, ge=0)

    @field_validator("antennas")
    @classmethod
    def _unique_antennas(cls, value: list[Antenna]) -> list[Antenna]:
        _require_unique("antenna", [a.id for a in value])
        return value

    @field_validator("horizon_mask")
    @classmethod
    def _sorted_mask(cls, value: list[MaskPoint]) -> list[MaskPoint]:
        for a, b in zip(value, value[1:], strict=False):
            if not a.azimuth_deg < b.azimuth_deg:
                raise ValueError(f"azimuths must be sorted and unique ({a.azimuth_deg:g} then {b.azimuth_deg:g})")
        return value

    @field_validator("windows")
    @classmethod
    def _unique_windows(cls, value: list[UnavailabilityWindow]) -> list[UnavailabilityWindow]:
        _require_unique("window", [w.id for w in value])
        return sorted(value, key=lambda w: (w.start, w.id))

    # -- what the rules read ------------------------------------------------------------------------
    def mask_points(self) -> tuple[list[float], list[float]] | None:
        """(azimuths, minimum elevations) of the mask, None without one."""
        if not self.horizon_mask:
            return None
        return [p.azimuth_deg for p in self.horizon_mask], [p.min_elevation_deg for p in self.horizon_mask]

    def windows_over(self, start: datetime, end: datetime) -> list[UnavailabilityWindow]:
        return [w for w in self.windows if w.overlaps(start, end)]

    def bands(self, direction: BandDirection | None = None) -> list[tuple[Antenna, Band]]:
        return [(a, b) for a in self.antennas for b in a.bands if direction is None or b.direction == direction]


def mask_elevation(azimuths: Sequence[float], elevations: Sequence[float], azimuth_deg: float) -> float:
    """The mask's minimum elevation at ``azimuth_deg``: linear between the points, wrapping at 360° (one
    point: that elevation everywhere)."""
    n = len(azimuths)
    if n == 0:
        raise ValueError("an empty mask has no elevation")
    if n == 1:
        return float(elevations[0])
    az = azimuth_deg % 360.0
    i = bisect.bisect_right(azimuths, az)  # azimuths[i-1] <= az < azimuths[i]
    a0, e0 = (azimuths[i - 1], elevations[i - 1]) if i > 0 else (azimuths[-1] - 360.0, elevations[-1])
    a1, e1 = (azimuths[i], elevations[i]) if i < n else (azimuths[0] + 360.0, elevations[0])
    return float(e0 + (e1 - e0) * (az - a0) / (a1 - a0))


def band_refusal(entry: RegistryEntry, frequencies: Sequence[tuple[float, str]]) -> str | None:
    """Why the station cannot receive any of ``frequencies`` ((Hz, what it is)), None when one of its antennas
    covers one (or when there is nothing to check: no antenna, no frequency)."""
    downlink = entry.bands("downlink")
    if not entry.antennas or not frequencies:
        return None
    if any(b.covers(hz) for hz, _ in frequencies for _, b in downlink):
        return None
    wanted = ", ".join(f"{hz / 1e6:.3f} MHz ({what})" for hz, what in frequencies)
    have = "; ".join(f"{b.label()} (antenna {a.id})" for a, b in downlink) or "no downlink band"
    return f"ground station {entry.gs_id} has no antenna receiving {wanted}: its bands are {have}"
