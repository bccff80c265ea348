"""Element sets: TLE / 3LE text (classic and Alpha-5 catalogue numbers) and OMM JSON.

Every element set becomes one immutable :class:`ElementSet` holding the two TLE lines (for OMM
input the lines are generated with ``sgp4.exporter.export_tle``) plus the decoded elements with
their units in the names.  A bad element set raises :class:`ElementSetError` whose message names
the line and the reason (``line 2: checksum 7 != 3``); the batch parsers collect such errors per
item and still return every good element set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sgp4.alpha5 import from_alpha5
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle
from sgp4.omm import initialize as _omm_initialize

__all__ = [
    "ElementSet",
    "ElementSetError",
    "ItemError",
    "ParseReport",
    "parse_tle",
    "parse_tle_text",
    "parse_omm",
]

_TLE_LENGTH = 69
_EARTH_RADIUS_WGS72_KM = 6378.135
_UNIX_EPOCH_JD = 2440587.5
_MAX_ALPHA5 = 339999


class ElementSetError(ValueError):
    """One element set is invalid.  ``line`` is 1 or 2 for a TLE line, 0 for name/structure."""

    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


@dataclass(frozen=True)
class ItemError:
    """A rejected item of a batch: ``index`` is 0-based in the batch, ``first_line_no`` 1-based (0 for OMM).

    ``message`` is the one line an operator reads: the line of the file at fault and the problem
    (``line 6: checksum 3 != 5``), or the record's place in an OMM JSON list (``item 2: OMM record lacks EPOCH``).
    """

    index: int
    first_line_no: int
    message: str


@dataclass
class ParseReport:
    element_sets: list[ElementSet] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)


@dataclass(frozen=True)
class ElementSet:
    """One SGP4 mean element set (angles in degrees, epoch in UTC)."""

    norad_id: int
    name: str | None
    line1: str
    line2: str
    epoch_utc: datetime
    epoch_unix_s: float
    intl_designator: str
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar: float
    semi_major_axis_km: float
    period_min: float
    _satrec: Any = field(default=None, repr=False, compare=False, hash=False)

    def satrec(self) -> Satrec:
        """The ``sgp4.api.Satrec`` (C-accelerated) for these lines; built once and cached."""
        sat = self._satrec
        if sat is None:
            sat = Satrec.twoline2rv(self.line1, self.line2, WGS72)
            object.__setattr__(self, "_satrec", sat)
        return sat


def _checksum(line: str) -> int:
    total = 0
    for ch in line[:68]:
        if ch.isdigit():
            total += ord(ch) - 48
        elif ch == "-":
            total += 1
    return total % 10


def _catalogue_number(line: str, line_no: int) -> int:
    text = line[2:7]
    try:
        if text[0].isalpha():
            if text[0] in "IO" or not text[1:].isdigit():
                raise ValueError
            value = from_alpha5(text)
        else:
            value = int(text)
    except (ValueError, IndexError):
        raise ElementSetError(line_no, f"catalogue number {text!r} is neither 5 digits nor Alpha-5") from None
    return value


def _number(line: str, line_no: int, start: int, stop: int, what: str, implied: str = "") -> float:
    text = line[start:stop]
    try:
        return float(implied + text.strip()) if implied else float(text)
    except ValueError:
        raise ElementSetError(line_no, f"{what} {text!r} (columns {start + 1}-{stop}) is not a number") from None


def _check_line(line: str, line_no: int) -> str:
    line = line.rstrip()
    if len(line) != _TLE_LENGTH:
        raise ElementSetError(line_no, f"length {len(line)} != {_TLE_LENGTH}")
    if line[0] != str(line_no) or line[1] != " ":
        raise ElementSetError(line_no, f"must start with '{line_no} ', found {line[:2]!r}")
    stated = line[68]
    if not stated.isdigit():
        raise ElementSetError(line_no, f"checksum {stated!r} is not a digit")
    computed = _checksum(line)
    if int(stated) != computed:
        # "<digit in the line> != <digit computed from columns 1-68>"
        raise ElementSetError(line_no, f"checksum {stated} != {computed}")
    return line


def _epoch(line1: str) -> tuple[datetime, float]:
    year2 = _number(line1, 1, 18, 20, "epoch year")
    day = _number(line1, 1, 20, 32, "epoch day")
    if not 1.0 <= day < 367.0 or year2 != int(year2):
        raise ElementSetError(1, f"epoch {line1[18:32]!r} is out of range")
    year = int(year2) + (1900 if year2 >= 57 else 2000)
    start = datetime(year, 1, 1, tzinfo=UTC)
    epoch = start + timedelta(days=day - 1.0)
    unix_s = (start - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() + (day - 1.0) * 86400.0
    return epoch, unix_s


def parse_tle(line1: str, line2: str, name: str | None = None) -> ElementSet:
    """Validate and decode one TLE (raises :class:`ElementSetError`)."""
    line1 = _check_line(line1, 1)
    line2 = _check_line(line2, 2)
    num1 = _catalogue_number(line1, 1)
    num2 = _catalogue_number(line2, 2)
    if num1 != num2:
        raise ElementSetError(2, f"catalogue number {num2} != {num1} on line 1")
    epoch, epoch_unix_s = _epoch(line1)
    inclination = _number(line2, 2, 8, 16, "inclination")
    _number(line2, 2, 17, 25, "right ascension of ascending node")
    ecc_text = line2[26:33]
    if not ecc_text.strip().isdigit():
        raise ElementSetError(2, f"eccentricity {ecc_text!r} (columns 27-33) is not 7 digits")
    _number(line2, 2, 34, 42, "argument of perigee")
    _number(line2, 2, 43, 51, "mean anomaly")
    mean_motion = _number(line2, 2, 52, 63, "mean motion")
    _number(line1, 1, 33, 43, "first derivative of mean motion")
    if not 0.0 <= inclination <= 180.0:
        raise ElementSetError(2, f"inclination {inclination} deg is outside 0-180")
    if mean_motion <= 0.0:
        raise ElementSetError(2, f"mean motion {mean_motion} rev/day must be positive")
    for what, start, stop in (("second derivative of mean motion", 44, 52), ("BSTAR", 53, 61)):
        text = line1[start:stop]
        mantissa, exponent = text[:-2].strip(), text[-2:]
        if not (mantissa.lstrip("+-").isdigit() or mantissa in ("", "+", "-")) or not (
            exponent[0] in "+- 0" and exponent[1].isdigit()
        ):
            raise ElementSetError(1, f"{what} {text!r} (columns {start + 1}-{stop}) is not in TLE exponent form")
    try:
        sat = Satrec.twoline2rv(line1, line2, WGS72)
    except Exception as exc:  # the C parser rejects what we did not foresee
        raise ElementSetError(0, f"sgp4 rejected the element set: {exc}") from None
    if sat.error:
        raise ElementSetError(2, f"sgp4 initialisation error {sat.error} (elements out of range)")
    return _element_set(sat, name, line1, line2, epoch, epoch_unix_s, num1)


def _element_set(
    sat: Satrec, name: str | None, line1: str, line2: str, epoch: datetime, epoch_unix_s: float, norad_id: int
) -> ElementSet:
    period_min = 2.0 * math.pi / sat.no_kozai
    return ElementSet(
        norad_id=norad_id,
        name=(name.strip() or None) if name is not None else None,
        line1=line1,
        line2=line2,
        epoch_utc=epoch,
        epoch_unix_s=epoch_unix_s,
        intl_designator=line1[9:17].strip(),
        mean_motion_rev_per_day=sat.no_kozai * 1440.0 / (2.0 * math.pi),
        eccentricity=sat.ecco,
        inclination_deg=math.degrees(sat.inclo),
        raan_deg=math.degrees(sat.nodeo),
        arg_perigee_deg=math.degrees(sat.argpo),
        mean_anomaly_deg=math.degrees(sat.mo),
        bstar=sat.bstar,
        semi_major_axis_km=sat.a * _EARTH_RADIUS_WGS72_KM,
        period_min=period_min,
        _satrec=sat,
    )


def parse_tle_text(text: str) -> ParseReport:
    """Parse 2-line and 3-line element sets (mixed; a name line may start with ``0 ``).

    Items are delimited by their ``1 `` lines; a non-TLE line directly before a ``1 `` line is the
    item's name.  Each bad item is reported in ``errors`` and the good ones are still returned.
    """
    report = ParseReport()
    lines = text.splitlines()
    i = 0
    index = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        if not raw.strip():
            i += 1
            continue
        first_line_no = i + 1
        name: str | None = None
        if not _looks_like(raw, "1") and not _looks_like(raw, "2"):
            name = raw.strip()
            if name.startswith("0 "):
                name = name[2:]
            i += 1
            if i >= n or not _looks_like(lines[i], "1"):
                report.errors.append(ItemError(
                    index, first_line_no,
                    f"line {first_line_no}: name line {name!r} is not followed by a TLE line starting with '1 '"))
                index += 1
                continue
        if not _looks_like(lines[i], "1"):
            report.errors.append(ItemError(
                index, i + 1, f"line {i + 1}: TLE line 2 without the line 1 (starting with '1 ') before it"))
            index += 1
            i += 1
            continue
        line1 = lines[i]
        if i + 1 >= n or not _looks_like(lines[i + 1], "2"):
            report.errors.append(ItemError(
                index, first_line_no, f"line {i + 1}: TLE line 1 is not followed by its line 2 (starting with '2 ')"))
            index += 1
            i += 1
            continue
        line2 = lines[i + 1]
        i += 2
        try:
            report.element_sets.append(parse_tle(line1, line2, name))
        except ElementSetError as exc:  # exc.line: 1 or 2 of the set, 0 for the set as a whole
            at = {1: i - 1, 2: i}.get(exc.line, first_line_no)
            reason = exc.reason.replace("on line 1", f"on line {i - 1}")  # the file's line, not the set's
            report.errors.append(ItemError(index, first_line_no, f"line {at}: {reason}"))
        index += 1
    return report


def _looks_like(line: str, digit: str) -> bool:
    s = line.strip()
    return len(s) >= 2 and s[0] == digit and s[1] == " " and len(s) > 60


_OMM_REQUIRED = (
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "NORAD_CAT_ID",
)
_OMM_DEFAULTS = {
    "CLASSIFICATION_TYPE": "U",
    "OBJECT_ID": "",
    "EPHEMERIS_TYPE": "0",
    "ELEMENT_SET_NO": "999",
    "REV_AT_EPOCH": "0",
    "BSTAR": "0",
    "MEAN_MOTION_DOT": "0",
    "MEAN_MOTION_DDOT": "0",
}


def parse_omm(data: dict | list[dict]) -> ParseReport:
    """Parse OMM JSON records as CelesTrak (numbers) or Space-Track (strings) publish them."""
    records = [data] if isinstance(data, dict) else list(data)
    report = ParseReport()
    for index, record in enumerate(records):
        try:
            report.element_sets.append(_parse_omm_record(record))
        except ElementSetError as exc:
            report.errors.append(ItemError(index, 0, f"item {index + 1}: {exc.reason}"))
    return report


def _parse_omm_record(record: Any) -> ElementSet:
    if not isinstance(record, dict):
        raise ElementSetError(0, f"OMM record must be an object, got {type(record).__name__}")
    missing = [key for key in _OMM_REQUIRED if record.get(key) in (None, "")]
    if missing:
        raise ElementSetError(0, f"OMM record lacks {', '.join(missing)}")
    fields = {key: str(value) for key, value in _OMM_DEFAULTS.items()}
    fields.update({key: str(value) for key, value in record.items() if value is not None})
    epoch_text = fields["EPOCH"].strip().rstrip("Z").replace(" ", "T")
    if "." not in epoch_text:
        epoch_text += ".0"
    fields["EPOCH"] = epoch_text
    try:
        norad_id = int(float(fields["NORAD_CAT_ID"]))
        if not 0 < norad_id <= _MAX_ALPHA5:
            raise ElementSetError(0, f"NORAD_CAT_ID {norad_id} cannot be written as a TLE (1-{_MAX_ALPHA5})")
        fields["NORAD_CAT_ID"] = str(norad_id)
        for key in ("EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH"):
            fields[key] = str(int(float(fields[key])))
        sat = Satrec()
        _omm_initialize(sat, fields)
    except ElementSetError:
        raise
    except (ValueError, KeyError) as exc:
        raise ElementSetError(0, f"OMM record {fields.get('OBJECT_NAME', '')!r} is invalid: {exc}") from None
    if sat.error:
        raise ElementSetError(0, f"OMM record: sgp4 initialisation error {sat.error} (elements out of range)")
    try:
        line1, line2 = export_tle(sat)
    except ValueError as exc:
        raise ElementSetError(0, f"OMM record cannot be written as a TLE: {exc}") from None
    element_set = parse_tle(line1, line2, record.get("OBJECT_NAME"))
    return element_set
