"""A synthetic element set placing a real satellite's orbit over a station so that a pass rises soon: the
RAAN and mean anomaly of a real TLE are set (epoch now) so the satellite culminates over the station, then the
mean anomaly is nudged until the orbit core predicts the rise at the wanted time."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

import numpy as np
from groundlink_orbit import look_angles, parse_tle
from sgp4.api import jday
from sgp4.propagation import gstime

# AO-73 (FUNcube-1) as the demo catalogue holds it, and Esrange (demo station 3), where the tests fly it
AO73 = ("1 39444U 13066AE  26106.65557582  .00005674  00000+0  36089-3 0  9998",
        "2 39444  97.8238  76.8736 0038541  54.9890 305.4945 15.08603541670383")
ESRANGE = (67.89335, 21.064341, 341.0)


def _checksum(line: str) -> str:
    total = sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68])
    return line[:68] + str(total % 10)


def _with_elements(line1: str, line2: str, epoch: float, raan_deg: float, mean_anomaly_deg: float
                   ) -> tuple[str, str]:
    d = datetime.fromtimestamp(epoch, UTC)
    day = d.timetuple().tm_yday + (d.hour * 3600 + d.minute * 60 + d.second + d.microsecond / 1e6) / 86400
    l1 = line1[:18] + f"{d.year % 100:02d}{day:012.8f}" + line1[32:]
    l2 = line2[:17] + f"{raan_deg % 360:8.4f}" + line2[25:43] + f"{mean_anomaly_deg % 360:8.4f}" + line2[51:]
    return _checksum(l1), _checksum(l2)


def rise_and_peak(line1: str, line2: str, lat: float, lon: float, alt: float, t0: float, span_s: float = 3600
                  ) -> tuple[float, float, float, float]:
    """(rise, set, max elevation, time of max) of the first pass after ``t0`` (1 s steps)."""
    times = np.arange(t0, t0 + span_s, 1.0)
    _, el, _, _ = look_angles(parse_tle(line1, line2), lat, lon, alt, times)
    up = np.flatnonzero(el > 0)
    if not len(up):
        raise ValueError("no pass")
    first = up[0]
    end = first + int(np.argmax(el[first:] <= 0)) if (el[first:] <= 0).any() else len(el) - 1
    peak = first + int(np.argmax(el[first:end]))
    return float(times[first]), float(times[end]), float(el[peak]), float(times[peak])


def synthetic_pass(line1: str, line2: str, lat: float, lon: float, alt: float, rise_in_s: float = 90.0,
                   now: float | None = None) -> tuple[str, str, float, float]:
    """(line1, line2, rise, set) of an element set whose pass over the station rises ``rise_in_s`` from now."""
    now = time.time() if now is None else float(int(now))
    base = parse_tle(line1, line2)
    n_deg_s = base.mean_motion_rev_per_day * 360.0 / 86400.0
    half = 300.0  # culmination roughly five minutes after the rise of a high LEO pass
    tc = now + rise_in_s + half
    dt = datetime.fromtimestamp(tc, UTC)
    jd, fr = jday(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second + dt.microsecond / 1e6)
    gmst = math.degrees(gstime(jd + fr))
    inc = math.radians(base.inclination_deg)
    u = math.asin(max(-1.0, min(1.0, math.sin(math.radians(lat)) / math.sin(inc))))
    d_alpha = math.degrees(math.atan2(math.cos(inc) * math.sin(u), math.cos(u)))
    raan = gmst + lon - d_alpha
    mean_anomaly = math.degrees(u) - base.arg_perigee_deg - n_deg_s * (tc - now)
    want = now + rise_in_s
    for _ in range(6):
        l1, l2 = _with_elements(line1, line2, now, raan, mean_anomaly)
        rise, end, _, _ = rise_and_peak(l1, l2, lat, lon, alt, min(now, want) - 60)
        if abs(rise - want) < 2:
            return l1, l2, rise, end
        mean_anomaly += (rise - want) * n_deg_s  # later rise: move the satellite ahead along its orbit
    raise AssertionError("could not place the pass")
