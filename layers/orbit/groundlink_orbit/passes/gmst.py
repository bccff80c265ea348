"""GMST (and the Sun's direction) for many instants of one window, from exact anchors every 600 s.

UT1 − UTC is interpolated linearly between daily values at 0h UTC, which are anchors, so between
two anchors GMST is linear in UTC up to the GMST polynomial's quadratic term (< 1e-12 rad; float
rounding ~0.5 µs of time): the chord reproduces ``frames.gmst82_rad`` without its per-item cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..frames import WGS84_A_KM, gmst82_rad, sun_direction_teme
from .fast_math import BoolArray, FloatArray, IntArray, rotate_by_small_angle, row_dot, truncate_to_index

ANCHOR_STEP_S = 600.0  # divides 86 400 s: anchors fall on the UT1 table's daily knots (0h UTC)
_MAX_CHORD_RAD = 0.05  # 600 s × 7.3e-5 rad/s = 0.044 rad past an anchor inside the table


@dataclass(frozen=True, slots=True, eq=False)
class GmstTable:
    """Exact GMST at anchors every 600 s around a window, and the chord rate to the next anchor."""

    first_anchor_unix_s: float
    angle_rad: FloatArray  # GMST at each anchor
    chord_rate_rad_s: FloatArray  # (next anchor's GMST − this one's) / 600 s
    earth_rate_rad_s: float  # d GMST / dt, for the Coriolis terms of Earth-fixed velocities
    cos_angle: FloatArray
    sin_angle: FloatArray

    @classmethod
    def covering(cls, start: float, end: float) -> GmstTable:
        base = math.floor(start / ANCHOR_STEP_S) * ANCHOR_STEP_S - ANCHOR_STEP_S
        count = int(math.ceil((end - base) / ANCHOR_STEP_S)) + 3
        anchors = base + ANCHOR_STEP_S * np.arange(count)
        theta, theta_dot = gmst82_rad(anchors)
        rate = np.mod(np.diff(theta), 2.0 * np.pi) / ANCHOR_STEP_S
        theta = theta[:-1]
        return cls(base, theta, rate, float(theta_dot[0]), np.cos(theta), np.sin(theta))

    def anchor_index(self, t: FloatArray) -> tuple[IntArray, FloatArray]:
        """Anchor at or just below ``t`` and ``t`` − that anchor (an anchor one off at an exact
        multiple only extends the chord by rounding)."""
        k = truncate_to_index((t - self.first_anchor_unix_s) * (1.0 / ANCHOR_STEP_S))
        np.clip(k, 0, self.angle_rad.size - 1, out=k)
        return k, t - (self.first_anchor_unix_s + k * ANCHOR_STEP_S)

    def cos_sin(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """cos and sin of GMST at ``t``, by angle addition from the nearest anchor below."""
        k, dt = self.anchor_index(t)
        chord = self.chord_rate_rad_s[k] * dt
        if not np.all(np.abs(chord) < _MAX_CHORD_RAD):  # outside the anchor table (not reached by the finder)
            theta = self.angle_rad[k] + chord
            return np.cos(theta), np.sin(theta)
        return rotate_by_small_angle(self.cos_angle[k], self.sin_angle[k], chord)

    def sunlit(self, r_ecef_km: FloatArray, t: FloatArray) -> BoolArray:
        """``frames.sunlit_ecef`` with the Sun's direction (TEME, moving 0.04°/h) interpolated linearly
        between anchors: < 1e-8 rad from the direct evaluation."""
        k, dt = self.anchor_index(t)
        # the Sun at the two anchors around each instant only (not at every anchor of the window): the same
        # anchor times, so the same values
        sun_below = sun_direction_teme(self.first_anchor_unix_s + ANCHOR_STEP_S * k)
        sun_above = sun_direction_teme(self.first_anchor_unix_s + ANCHOR_STEP_S * (k + 1))
        w = (dt / ANCHOR_STEP_S)[:, None]
        sun = sun_below * (1.0 - w) + sun_above * w
        c, s = self.cos_sin(t)
        sun_x, sun_y = sun[:, 0], sun[:, 1]
        sun_ecef = np.stack([c * sun_x + s * sun_y, c * sun_y - s * sun_x, sun[:, 2]], -1)
        along = row_dot(r_ecef_km, sun_ecef)
        perp2 = row_dot(r_ecef_km, r_ecef_km) - along * along
        return (along > 0.0) | (perp2 > WGS84_A_KM * WGS84_A_KM)
