"""The polar tracks of a pass search written as JSON text from flat arrays, one fragment per pass.

A 14-day search has thousands of track points; building a dict per point and letting orjson walk them was most of
the wire-row time. Here every point is one row of a byte matrix — the fixed text of
``{"azimuth":…,"elevation":…,"time":"…"}`` with the digits filled in by array operations — and the unused
positions are dropped at once. The text is the one orjson writes for the same points: the angles are rounded to
two decimals, and the shortest round-trip form of such a number (orjson's, and ``repr``'s) is its decimal
expansion — integer part, a point, then one digit or two (``183.1``, ``5.0``, ``0.05``, ``-0.0``). Points that
do not fit (an angle not finite or beyond ±999.99, a time outside the years 1000–9999) make ``track_fragments``
return None: the caller then builds the dicts.
"""

from __future__ import annotations

import numpy as np
import orjson

from shared.domain.scheduling.passes import ISO_MS_CHARS, iso_ms_bytes

_PAD = 0  # a position left empty, dropped from the text
_NUMBER = 7  # sign, three integer digits, point, two decimals
_PARTS = (b'[{"azimuth":', b'', b',"elevation":', b'', b',"time":"', b'', b'"}],')
_WIDTHS = (len(_PARTS[0]), _NUMBER, len(_PARTS[2]), _NUMBER, len(_PARTS[4]), ISO_MS_CHARS, len(_PARTS[6]))
_AT = np.concatenate(([0], np.cumsum(_WIDTHS))).tolist()
_ROW = _AT[-1]
_TEMPLATE = np.frombuffer(b"".join(p if p else bytes(w) for p, w in zip(_PARTS, _WIDTHS, strict=True)),
                          dtype=np.uint8)
_OPEN, _CLOSE, _COMMA = 0, _ROW - 2, _ROW - 1  # "[" before a pass's first point, "]" after its last, ","


def _number(rounded: np.ndarray) -> np.ndarray | None:
    """The shortest round-trip text of each two-decimal value, right-aligned in ``_NUMBER`` bytes (pads before
    and after it); None when a value is not finite or not below 1000 in magnitude."""
    if not bool(np.isfinite(rounded).all()) or rounded.size and float(np.abs(rounded).max()) >= 999.995:
        return None
    k = np.rint(np.abs(rounded) * 100.0).astype(np.int64)
    whole, cents = k // 100, k % 100
    out = np.zeros((rounded.size, _NUMBER), dtype=np.uint8)
    out[:, 0] = np.where(np.signbit(rounded), ord("-"), _PAD)
    out[:, 1] = np.where(whole >= 100, 48 + whole // 100, _PAD)
    out[:, 2] = np.where(whole >= 10, 48 + whole // 10 % 10, _PAD)
    out[:, 3] = 48 + whole % 10
    out[:, 4] = ord(".")
    out[:, 5] = 48 + cents // 10
    out[:, 6] = np.where(cents % 10 != 0, 48 + cents % 10, _PAD)
    return out  # the pads between the sign and the first digit go with the others


def track_fragments(azimuth: np.ndarray, elevation: np.ndarray, time_unix_s: np.ndarray,
                    offsets: np.ndarray) -> list[orjson.Fragment] | None:
    """Pass ``i``'s polar track (points ``offsets[i]`` to ``offsets[i + 1]``, angles already rounded) as the JSON
    text of its list of points; None when a point cannot be written here (see the module's text)."""
    az, el, times = _number(azimuth), _number(elevation), iso_ms_bytes(time_unix_s)
    if az is None or el is None or times is None:
        return None
    n = times.shape[0]
    rows = np.empty((n, _ROW), dtype=np.uint8)
    rows[:] = _TEMPLATE
    rows[:, _AT[1]:_AT[2]] = az
    rows[:, _AT[3]:_AT[4]] = el
    rows[:, _AT[5]:_AT[6]] = times
    first, last = offsets[:-1], offsets[1:] - 1
    opening = np.ones(n, dtype=bool)
    opening[first] = False
    rows[opening, _OPEN] = _PAD
    closing = np.ones(n, dtype=bool)
    closing[last] = False
    rows[closing, _CLOSE] = _PAD
    rows[last, _COMMA] = _PAD
    ends = np.cumsum(np.count_nonzero(rows, axis=1))
    text = rows[rows != _PAD].tobytes()
    stops = ends[last].tolist()
    starts = [0, *stops[:-1]]
    return [orjson.Fragment(text[a:b]) for a, b in zip(starts, stops, strict=True)]
