"""Orbital numbers of the SSA catalogue, derived from the current element set's line 2 in plain math.

The SSA catalogue function carries no orbit layer (no numpy), so this mirrors what the orbit core's
``parse_tle`` gives in ``ElementSet`` (``semi_major_axis_km``, ``eccentricity``, ``inclination_deg``,
``period_min``) from the TLE text alone:

* period = 1440 / mean motion (rev/day), the TLE's Kozai mean motion, as ``ElementSet.period_min``;
* semi-major axis by Kepler's third law, a = (μ / n²)^(1/3) with μ = 398600.4418 km³/s², applied to
  the mean motion SGP4 propagates with: the TLE's Kozai mean motion with its J2 part removed exactly
  as SGP4 initialises (Vallado's ``initl``; without it a LEO axis is off by up to ~4 km);
* apogee / perigee heights = a (1 ± e) − 6378.137 km (WGS-84 equatorial radius), as in the UCS
  database.

Agrees with ``ElementSet.semi_major_axis_km`` to a few metres (WGS-72 μ there): see
``tests/integration/test_ssa_catalog.py``.
"""

from __future__ import annotations

import math

MU_KM3_S2 = 398600.4418
EARTH_RADIUS_KM = 6378.137
J2 = 1.08262998905e-3

ORBITAL_FIELDS = ("apogee_km", "perigee_km", "eccentricity", "inclination_degrees", "period_minutes")


def _field(line2: str, start: int, stop: int) -> float:
    return float(line2[start:stop])


def orbital_numbers(line2: str | None) -> dict[str, float | None]:
    """``{apogee_km, perigee_km, eccentricity, inclination_degrees, period_minutes, semi_major_axis_km}``
    from TLE line 2; all None when there is no line or it cannot be read."""
    empty: dict[str, float | None] = dict.fromkeys((*ORBITAL_FIELDS, "semi_major_axis_km"))
    if not line2:
        return empty
    try:
        inclination_deg = _field(line2, 8, 16)
        ecc_text = line2[26:33].strip()
        eccentricity = float(f"0.{ecc_text}") if ecc_text.isdigit() else math.nan
        rev_per_day = _field(line2, 52, 63)
    except ValueError:
        return empty
    if not (rev_per_day > 0 and 0 <= eccentricity < 1 and 0 <= inclination_deg <= 180):
        return empty

    n_kozai = rev_per_day * 2.0 * math.pi / 86400.0  # rad/s
    a1 = (MU_KM3_S2 / n_kozai**2) ** (1.0 / 3.0) / EARTH_RADIUS_KM  # Earth radii
    cos_i = math.cos(math.radians(inclination_deg))
    beta2 = 1.0 - eccentricity**2
    d1 = 0.75 * J2 * (3.0 * cos_i**2 - 1.0) / (math.sqrt(beta2) * beta2)
    delta = d1 / a1**2
    a0 = a1 * (1.0 - delta**2 - delta * (1.0 / 3.0 + 134.0 * delta**2 / 81.0))
    n_brouwer = n_kozai / (1.0 + d1 / a0**2)
    a_km = (MU_KM3_S2 / n_brouwer**2) ** (1.0 / 3.0)

    return {
        "apogee_km": round(a_km * (1.0 + eccentricity) - EARTH_RADIUS_KM, 3),
        "perigee_km": round(a_km * (1.0 - eccentricity) - EARTH_RADIUS_KM, 3),
        "eccentricity": eccentricity,
        "inclination_degrees": inclination_deg,
        "period_minutes": round(1440.0 / rev_per_day, 4),
        "semi_major_axis_km": round(a_km, 3),
    }
