"""CelesTrak SATCAT records (https://celestrak.org/satcat/satcat-format.php, CSV or JSON) mapped onto the
catalogue's satellite fields.

Status (SatNOGS' words, as the catalogue uses them): a decay date or ``OPS_STATUS_CODE`` ``D`` is
``re-entered``; ``+`` (operational), ``P`` (partially), ``B`` (backup), ``S`` (spare), ``X`` (extended
mission) are ``alive``; ``-`` (non-operational) and rocket bodies and debris without a code are ``dead``;
``?`` or nothing for a payload is ``unknown``.
"""

from __future__ import annotations

import re
from typing import Any

ALIVE_CODES = frozenset("+PBSX")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COSPAR = re.compile(r"^\d{4}-\d{3}[A-Z]{0,3}$")

# SATCAT owner codes (https://celestrak.org/satcat/sources.php) of the owners with the most objects, in the
# catalogue's country naming (UCS style); any other code is kept as given.
OWNERS = {
    "US": "USA", "PRC": "China", "CIS": "Russia", "UK": "United Kingdom", "FR": "France", "JPN": "Japan",
    "IND": "India", "ESA": "ESA", "GER": "Germany", "IT": "Italy", "CA": "Canada", "ISS": "Multinational",
    "SKOR": "South Korea", "ISRA": "Israel", "BRAZ": "Brazil", "SPN": "Spain", "AUS": "Australia",
    "ARGN": "Argentina", "EUME": "EUMETSAT", "EUTE": "EUTELSAT", "ITSO": "Intelsat", "SES": "SES",
    "GLOB": "Globalstar", "ORB": "ORBCOMM", "IRID": "Iridium", "O3B": "SES", "NOR": "Norway", "SWED": "Sweden",
    "FIN": "Finland", "NETH": "Netherlands", "LUXE": "Luxembourg", "UAE": "United Arab Emirates",
    "SAFR": "South Africa", "TURK": "Turkey", "INDO": "Indonesia", "MEX": "Mexico", "NZ": "New Zealand",
    "TWN": "Taiwan", "SING": "Singapore", "THAI": "Thailand", "KAZ": "Kazakhstan", "UKR": "Ukraine",
}


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _number(row: dict[str, Any], key: str) -> float | None:
    text = _text(row, key)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{key} {text!r} is not a number") from None


def _date(row: dict[str, Any], key: str) -> str | None:
    text = _text(row, key)[:10]
    if text and not _DATE.match(text):
        raise ValueError(f"{key} {text!r} is not a date (YYYY-MM-DD)")
    return text or None


def status(row: dict[str, Any]) -> str:
    code = _text(row, "OPS_STATUS_CODE").upper()
    if _text(row, "DECAY_DATE") or code == "D":
        return "re-entered"
    if code in ALIVE_CODES:
        return "alive"
    if code == "-" or _text(row, "OBJECT_TYPE").upper() in ("R/B", "DEB"):
        return "dead"
    return "unknown"


def orbit_class(period_min: float | None, apogee_km: float | None, perigee_km: float | None) -> str | None:
    """UCS' classes of orbit from the SATCAT's period and apsides."""
    if period_min is None or apogee_km is None or perigee_km is None:
        return None
    if 1400 <= period_min <= 1480 and perigee_km > 30000 and apogee_km < 40000:
        return "GEO"
    if apogee_km - perigee_km > 5000:
        return "Elliptical"
    if apogee_km < 2000:
        return "LEO"
    return "MEO"


def satellite_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's fields of one SATCAT record (``norad_id`` always, the others None when unknown).
    Raises ValueError naming the field and the reason."""
    norad_text = _text(row, "NORAD_CAT_ID")
    if not norad_text:
        raise ValueError("NORAD_CAT_ID is missing")
    if not norad_text.isdigit() or not 0 < int(norad_text) <= 999_999_999:
        raise ValueError(f"NORAD_CAT_ID {norad_text!r} is not a catalogue number")
    name = _text(row, "OBJECT_NAME") or _text(row, "SATNAME")
    if not name:
        raise ValueError("OBJECT_NAME is missing")
    cospar = _text(row, "OBJECT_ID") or _text(row, "INTLDES")
    if cospar and not _COSPAR.match(cospar):
        raise ValueError(f"OBJECT_ID {cospar!r} is not a COSPAR id (YYYY-NNNA)")
    owner = _text(row, "OWNER") or _text(row, "COUNTRY")
    period, apogee, perigee = _number(row, "PERIOD"), _number(row, "APOGEE"), _number(row, "PERIGEE")
    _number(row, "INCLINATION")
    return {
        "norad_id": int(norad_text),
        "name": name,
        "names": name,
        "cospar_id": cospar or None,
        "status": status(row),
        "object_type": _text(row, "OBJECT_TYPE").upper() or None,
        "country_operator": OWNERS.get(owner, owner) or None,
        "date_of_launch": _date(row, "LAUNCH_DATE"),
        "decay_date": _date(row, "DECAY_DATE"),
        "launch_site": _text(row, "LAUNCH_SITE") or None,
        "class_of_orbit": orbit_class(period, apogee, perigee),
    }
