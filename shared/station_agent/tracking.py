"""A contact's track from its element set (SGP4 through ``groundlink_orbit``): azimuth, elevation and range
rate per time step; the Doppler-shifted radio frequencies; the mount's commanded positions within its limits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from groundlink_orbit import look_angles, parse_tle

from shared.station_agent.config import RotatorLimits

C_KM_S = 299_792.458


@dataclass(frozen=True)
class Track:
    times: np.ndarray  # unix seconds
    az_deg: np.ndarray
    el_deg: np.ndarray
    range_rate_km_s: np.ndarray

    def at(self, t: float) -> tuple[float, float, float]:
        """(azimuth, elevation, range rate) interpolated at unix time ``t`` (azimuth through its wrap)."""
        az = np.degrees(np.unwrap(np.radians(self.az_deg)))
        return (float(np.interp(t, self.times, az)) % 360.0, float(np.interp(t, self.times, self.el_deg)),
                float(np.interp(t, self.times, self.range_rate_km_s)))


def compute_track(line1: str, line2: str, lat_deg: float, lon_deg: float, alt_m: float, start: float, end: float,
                  step_s: float = 1.0) -> Track:
    times = np.arange(start, end + step_s, step_s, dtype=float)
    az, el, _rng, rr = look_angles(parse_tle(line1, line2), lat_deg, lon_deg, alt_m, times)
    return Track(times, np.asarray(az), np.asarray(el), np.asarray(rr))


def downlink_hz(nominal_hz: float, range_rate_km_s: float) -> float:
    """What the station receives: a receding satellite (range rate > 0) is heard lower."""
    return nominal_hz * (1.0 - range_rate_km_s / C_KM_S)


def uplink_hz(nominal_hz: float, range_rate_km_s: float) -> float:
    """What the station transmits so the satellite hears ``nominal_hz``."""
    return nominal_hz * (1.0 + range_rate_km_s / C_KM_S)


MountMode = Literal["normal", "flip", "over-the-top", "clamped"]
OVERHEAD_DEG = 75.0
KEYHOLE_DEG = 5.0  # a pass culminating higher than this is flown over the top by a mount reaching 180°


@dataclass(frozen=True)
class MountPlan:
    mode: MountMode
    az_offset_deg: float  # added to the (unwrapped, possibly flipped) azimuth
    clamped_samples: int = 0
    reference_az: float | None = None  # over-the-top: the azimuth the mount keeps (the rise's)

    def command(self, az_deg: float, el_deg: float, previous_az: float | None, limits: RotatorLimits
                ) -> tuple[float, float]:
        """The mount's (azimuth, elevation) for one look direction, continuing from ``previous_az``."""
        if self.mode == "over-the-top" and self.reference_az is not None:
            return self._over_the_top(az_deg, el_deg, previous_az, limits)
        if self.mode == "flip":
            az_deg, el_deg = (az_deg + 180.0) % 360.0, 180.0 - el_deg
        az = az_deg + self.az_offset_deg
        if previous_az is not None:  # stay on the branch the pass started on (no wrap mid-pass)
            az += 360.0 * round((previous_az - az) / 360.0)
        return (min(max(az, limits.az_min), limits.az_max),
                min(max(el_deg, limits.el_min), limits.el_max))


    def _over_the_top(self, az_deg: float, el_deg: float, previous_az: float | None, limits: RotatorLimits
                      ) -> tuple[float, float]:
        """Of the two mount positions looking at (az, el) — (az, el) and (az + 180°, 180° - el) — the one whose
        azimuth is nearer the reference; within ``KEYHOLE_DEG`` of the zenith the azimuth is held and the
        elevation points in its vertical plane (off by at most the pass's distance from the zenith)."""
        assert self.reference_az is not None
        ref = self.reference_az
        if el_deg >= 90.0 - KEYHOLE_DEG and previous_az is not None:
            a, e = math.radians(az_deg), math.radians(el_deg)
            v = (math.cos(e) * math.sin(a), math.cos(e) * math.cos(a), math.sin(e))
            h = math.radians(previous_az)
            along = v[0] * math.sin(h) + v[1] * math.cos(h)
            return previous_az, min(max(math.degrees(math.atan2(v[2], along)), limits.el_min), limits.el_max)
        flipped = (az_deg + 180.0) % 360.0
        if abs((flipped - ref + 180.0) % 360.0 - 180.0) < abs((az_deg - ref + 180.0) % 360.0 - 180.0):
            az_deg, el_deg = flipped, 180.0 - el_deg
        az = az_deg + self.az_offset_deg
        if previous_az is not None:
            az += 360.0 * round((previous_az - az) / 360.0)
        return (min(max(az, limits.az_min), limits.az_max), min(max(el_deg, limits.el_min), limits.el_max))


def _fit(az_deg: np.ndarray, limits: RotatorLimits) -> float | None:
    """An offset (multiple of 360°) putting the unwrapped azimuth path inside the limits, if one exists."""
    path = np.degrees(np.unwrap(np.radians(az_deg)))
    for k in range(-2, 3):
        shifted = path + 360.0 * k
        if shifted.min() >= limits.az_min - 1e-9 and shifted.max() <= limits.az_max + 1e-9:
            return 360.0 * k + float(path[0] - az_deg[0])
    return None


def plan_mount(track: Track, limits: RotatorLimits) -> MountPlan:
    """How the mount follows the pass: within its azimuth travel if the path fits (``normal``); else over the
    zenith with elevation beyond 90° if the mount allows it (``flip``); else clamped at its limits, counted."""
    above = track.el_deg >= limits.el_min
    az = track.az_deg[above] if above.any() else track.az_deg
    el = track.el_deg[above] if above.any() else track.el_deg
    if limits.flip == "auto" and limits.el_max >= 180.0 and el.max() >= OVERHEAD_DEG:
        # over the top: the azimuth stays near the rise's, the elevation runs 0 -> ~90 -> 180 (no fast
        # azimuth swing under the zenith)
        ref = float(az[0])
        near = np.abs((az - ref + 180.0) % 360.0 - 180.0) <= 90.0
        path = np.where(near, az, (az + 180.0) % 360.0)
        offset = _fit(path, limits)
        if offset is not None:
            return MountPlan("over-the-top", offset, reference_az=ref)
    offset = _fit(az, limits)
    if offset is not None:
        return MountPlan("normal", offset)
    if limits.flip == "auto" and limits.el_max >= 180.0:
        flipped = (az + 180.0) % 360.0
        offset = _fit(flipped, limits)
        if offset is not None:
            return MountPlan("flip", offset)
    # clamp: start on the branch closest to the middle of the travel, count the samples beyond a limit
    path = np.degrees(np.unwrap(np.radians(az)))
    middle = (limits.az_min + limits.az_max) / 2.0
    k = round((middle - path.mean()) / 360.0)
    shifted = path + 360.0 * k
    outside = int(((shifted < limits.az_min) | (shifted > limits.az_max) | (el > limits.el_max)).sum())
    return MountPlan("clamped", 360.0 * k + float(path[0] - az[0]), outside)
