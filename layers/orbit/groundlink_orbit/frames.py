"""Reference frames: TEME → Earth-fixed (GMST 1982 + UT1), WGS-84 geodetic, topocentric.

Conventions: times are UTC Unix seconds (``*_unix_s``), positions km, velocities km/s, angles in
degrees at the API and radians inside.  The Earth-fixed frame is the pseudo-Earth-fixed frame of
Vallado's TEME_to_ITRF with polar motion neglected (below 0.05 s on pass times); precession and
nutation do not enter because station and satellite are compared in the same rotating frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .ut1 import ut1_minus_utc_s

WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
EARTH_MU_KM3_S2 = 398600.8  # WGS-72, as SGP4
EARTH_RATE_RAD_S = 7.292115146706979e-5  # GMST82 rate at J2000, for Coriolis terms only
SPEED_OF_LIGHT_KM_S = 299792.458
_UNIX_JD = 2440587.5
_J2000_JD = 2451545.0
_TAU = 2.0 * np.pi


def unix_to_jd(unix_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whole, fraction) Julian date pair for ``sgp4_array`` keeping sub-microsecond precision."""
    days = np.asarray(unix_s, dtype=float) / 86400.0
    whole = np.floor(days)
    return whole + _UNIX_JD, days - whole


def gmst82_rad(unix_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Greenwich mean sidereal angle (IAU 1982, radians) and its rate (rad/s) at UTC instants."""
    unix_s = np.asarray(unix_s, dtype=float)
    ut1 = unix_s + ut1_minus_utc_s(unix_s)
    days = ut1 / 86400.0
    t = (days + (_UNIX_JD - _J2000_JD)) / 36525.0
    g = 67310.54841 + (8640184.812866 + (0.093104 + (-6.2e-6) * t) * t) * t
    dg = 8640184.812866 + (0.093104 * 2.0 + (-6.2e-6 * 3.0) * t) * t
    theta = (np.mod(days + 0.5, 1.0) + g / 86400.0) % 1.0 * _TAU
    theta_dot = (1.0 + dg / (86400.0 * 36525.0)) * _TAU / 86400.0
    return theta, theta_dot


def teme_to_ecef(r_teme_km: np.ndarray, v_teme_km_s: np.ndarray, unix_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotate TEME state vectors (``...×3``, last axis xyz) into the Earth-fixed frame.

    ``unix_s`` broadcasts against the leading axes of the vectors.
    """
    theta, theta_dot = gmst82_rad(unix_s)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = r_teme_km[..., 0], r_teme_km[..., 1], r_teme_km[..., 2]
    vx, vy, vz = v_teme_km_s[..., 0], v_teme_km_s[..., 1], v_teme_km_s[..., 2]
    xe = c * x + s * y
    ye = c * y - s * x
    r = np.stack([xe, ye, z], axis=-1)
    v = np.stack([c * vx + s * vy + theta_dot * ye, c * vy - s * vx - theta_dot * xe, vz], axis=-1)
    return r, v


def station_vectors(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, alt_m: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ECEF position (km) and unit east, north, up vectors of WGS-84 stations, each ``M×3``."""
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, dtype=float)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, dtype=float)))
    alt = np.atleast_1d(np.asarray(alt_m, dtype=float)) / 1000.0
    lat, lon, alt = np.broadcast_arrays(lat, lon, alt)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sl * sl)
    pos = np.stack([(n + alt) * cl * co, (n + alt) * cl * so, (n * (1.0 - WGS84_E2) + alt) * sl], axis=-1)
    east = np.stack([-so, co, np.zeros_like(so)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return pos, east, north, up


def validate_stations(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, alt_m: npt.ArrayLike) -> None:
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    if not (np.all(np.isfinite(lat)) and np.all(np.abs(lat) <= 90.0)):
        raise ValueError("latitude_deg must be finite and within -90..90")
    if not (np.all(np.isfinite(lon)) and np.all(np.abs(lon) <= 360.0)):
        raise ValueError("longitude_deg must be finite and within -360..360")
    if not np.all(np.isfinite(np.asarray(alt_m, dtype=float))):
        raise ValueError("altitude_m must be finite")


@dataclass(frozen=True, slots=True, eq=False)
class StationFrame:
    """Stations (or ground points) in the Earth-fixed frame, one row each (``M×3``).

    ``position_km`` and the unit ``east``, ``north`` and ``up`` vectors of the WGS-84 ellipsoid
    normal.  Used by the pass search, ``PassTable.track`` and the access windows alike.
    """

    position_km: npt.NDArray[np.float64]
    east: npt.NDArray[np.float64]
    north: npt.NDArray[np.float64]
    up: npt.NDArray[np.float64]

    @classmethod
    def from_geodetic(cls, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, alt_m: npt.ArrayLike) -> StationFrame:
        """Validated stations from geodetic latitude, longitude (degrees) and height (metres)."""
        validate_stations(lat_deg, lon_deg, alt_m)
        return cls(*station_vectors(lat_deg, lon_deg, alt_m))

    def __len__(self) -> int:
        return len(self.position_km)

    def look(
        self, r_ecef_km: npt.NDArray[np.float64], v_ecef_km_s: npt.NDArray[np.float64], station: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``topocentric`` look angles of Earth-fixed states from station ``station``."""
        return topocentric(
            r_ecef_km, v_ecef_km_s, self.position_km[station], self.east[station], self.north[station], self.up[station]
        )


def ecef_to_geodetic(r_km: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WGS-84 geodetic latitude (deg), longitude (deg, −180..180) and height (km)."""
    x, y, z = r_km[..., 0], r_km[..., 1], r_km[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(4):  # converges to < 1e-12 rad for LEO to GEO heights
        s = np.sin(lat)
        n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * s * s)
        lat = np.arctan2(z + n * WGS84_E2 * s, p)
    s, c = np.sin(lat), np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * s * s)
    with np.errstate(invalid="ignore", divide="ignore"):
        height = np.where(np.abs(c) > 1e-10, p / c - n, np.abs(z) - n * (1.0 - WGS84_E2))
    return np.degrees(lat), np.degrees(lon), height


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    dot: np.ndarray = a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]
    return dot


def topocentric(
    r_ecef: np.ndarray, v_ecef: np.ndarray, pos: np.ndarray, east: np.ndarray, north: np.ndarray, up: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Azimuth (deg), elevation (deg), range (km), range rate (km/s); broadcasting on leading axes."""
    rho = r_ecef - pos
    rng = np.sqrt(_dot(rho, rho))
    az = np.degrees(np.arctan2(_dot(rho, east), _dot(rho, north))) % 360.0
    az = np.where(az >= 360.0, 0.0, az)  # -1e-15 % 360 rounds to 360
    el = np.degrees(np.arcsin(np.clip(_dot(rho, up) / rng, -1.0, 1.0)))
    rate = _dot(rho, v_ecef) / rng
    return az, el, rng, rate


def sun_direction_teme(unix_s: np.ndarray) -> np.ndarray:
    """Unit vector to the Sun in the true-of-date equator frame (Astronomical Almanac, ~0.01°)."""
    d = np.asarray(unix_s, dtype=float) / 86400.0 + (_UNIX_JD - _J2000_JD)
    g = np.radians(357.529 + 0.98560028 * d)
    q = 280.459 + 0.98564736 * d
    lam = np.radians(q + 1.915 * np.sin(g) + 0.020 * np.sin(2 * g))
    eps = np.radians(23.439 - 0.00000036 * d)
    return np.stack([np.cos(lam), np.cos(eps) * np.sin(lam), np.sin(eps) * np.sin(lam)], axis=-1)


def sunlit_ecef(r_ecef_km: np.ndarray, unix_s: np.ndarray) -> np.ndarray:
    """True where the satellite is outside Earth's cylindrical shadow (spherical Earth, R = 6378 km)."""
    sun = sun_direction_teme(unix_s)
    theta, _ = gmst82_rad(unix_s)
    c, s = np.cos(theta), np.sin(theta)
    sun_e = np.stack([c * sun[..., 0] + s * sun[..., 1], c * sun[..., 1] - s * sun[..., 0], sun[..., 2]], -1)
    along = _dot(r_ecef_km, sun_e)
    perp2 = _dot(r_ecef_km, r_ecef_km) - along * along
    sunlit: np.ndarray = (along > 0.0) | (perp2 > WGS84_A_KM * WGS84_A_KM)
    return sunlit
