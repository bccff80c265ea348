"""What every stage of one pass search shares: satellites, stations, masks, window, GMST anchors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sgp4.api import Satrec  # type: ignore[import-untyped]

from ..elements import ElementSet
from ..frames import StationFrame
from .fast_math import FloatArray
from .gmst import GmstTable

SAMPLES_PER_ORBIT = 16


def grid_step_s(element_set: ElementSet) -> float:
    """Sampling step tied to the orbit: ``period / 16``, shortened for eccentric orbits by the perigee
    angular-rate factor ``(1+e)²/(1−e²)^1.5``."""
    e = min(element_set.eccentricity, 0.95)
    factor = (1.0 + e) ** 2 / (1.0 - e * e) ** 1.5
    return float(element_set.period_min * 60.0 / SAMPLES_PER_ORBIT / factor)


def time_window(start_unix_s: float, end_unix_s: float) -> tuple[float, float]:
    """The validated search window (start, end) in UTC Unix seconds."""
    start, end = float(start_unix_s), float(end_unix_s)
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        raise ValueError("the window needs finite start_unix_s < end_unix_s")
    return start, end


def elevation_masks(min_elevation_deg: npt.ArrayLike, station_count: int) -> FloatArray:
    """One validated mask elevation (degrees) per station from a scalar or per-station value."""
    mask = np.broadcast_to(np.asarray(min_elevation_deg, dtype=float), (station_count,)).copy()
    if not np.all(np.isfinite(mask)) or np.any(mask < -90.0) or np.any(mask >= 90.0):
        raise ValueError("min_elevation_deg must be finite and within -90 (inclusive) .. 90 (exclusive)")
    return mask


@dataclass(frozen=True, slots=True, eq=False)
class SearchSetup:
    """The fixed inputs of one search, in the form every stage uses."""

    satrecs: Sequence[Satrec]
    stations: StationFrame
    mask_deg: FloatArray  # per station
    sin_mask: FloatArray  # sin(mask), per station
    start: float  # window, UTC Unix seconds
    end: float
    gmst: GmstTable

    @classmethod
    def build(
        cls,
        satrecs: Sequence[Satrec],
        stations: StationFrame,
        mask_deg: FloatArray,
        window: tuple[float, float],
        gmst: GmstTable | None = None,
    ) -> SearchSetup:
        """``gmst``: the window's anchor table when the caller needs it too (``GmstTable.covering(*window)``)."""
        start, end = window
        sin_mask = np.sin(np.radians(mask_deg))
        gmst = gmst if gmst is not None else GmstTable.covering(start, end)
        return cls(satrecs, stations, mask_deg, sin_mask, start, end, gmst)

    @property
    def window(self) -> tuple[float, float]:
        return self.start, self.end
