"""The polar tracks of a pass search written as JSON text from flat arrays: one ``orjson.Fragment`` per pass.

A 14-day search has thousands of track points; building a dict per point and letting orjson walk them was most of
the wire-row time. Here every point is one row of a byte matrix — the fixed text of
``{"azimuth":…,"elevation":…,"time":"…"}`` with the digits filled in by array operations — and the unused
positions are dropped at once. The text is the one orjson writes for the same dicts: each number was rounded to
``d`` decimals, and the shortest round-trip form of such a number (orjson's, and ``repr``'s) is its decimal
expansion — integer part, a point, the decimals without trailing zeros but at least one (``183.1``, ``5.0``,
``0.05``, ``-0.0``). What does not fit (a value not finite or with more integer digits than provided, a time
outside the years 1000–9999) makes these functions return None: the caller then builds the dicts. (The few
hundred pass rows stay dicts: written the same way they took longer — the array operations' fixed cost — measured.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import orjson

from shared.domain.scheduling.passes import iso_ms_bytes

_PAD = 0  # a position left empty, dropped from the text
Field = bytes | np.ndarray  # fixed text, or a column of bytes (one row per item)


def decimal_text(rounded: np.ndarray, decimals: int, digits: int) -> np.ndarray | None:
    """The shortest round-trip text of each value already rounded to ``decimals``, in ``2 + digits + decimals``
    bytes (sign, ``digits`` integer digits, point, decimals; unused positions padded); None when a value is not
    finite or needs more than ``digits`` integer digits."""
    scale = 10**decimals
    if not bool(np.isfinite(rounded).all()):
        return None
    k = np.rint(np.abs(rounded) * scale).astype(np.int64)
    if k.size and int(k.max()) >= 10**digits * scale:
        return None
    whole, frac = k // scale, k % scale
    out = np.empty((rounded.size, 2 + digits + decimals), dtype=np.uint8)
    out[:, 0] = np.where(np.signbit(rounded), ord("-"), _PAD)
    for j in range(digits):  # most significant first; leading zeros left out, the units always written
        power = 10 ** (digits - 1 - j)
        out[:, 1 + j] = 48 + whole // power % 10 if power == 1 else np.where(whole >= power, 48 + whole // power % 10,
                                                                                _PAD)
    out[:, 1 + digits] = ord(".")
    for j in range(decimals):  # trailing zeros left out, the first decimal always written
        power = 10 ** (decimals - 1 - j)
        digit = 48 + frac // power % 10
        out[:, 2 + digits + j] = digit if j == 0 else np.where(frac % (power * 10) != 0, digit, _PAD)
    return out


def _rows(fields: Sequence[Field], n: int) -> np.ndarray:
    """One row per item: the fields side by side (text repeated, columns filled in)."""
    widths = [len(f) if isinstance(f, bytes) else f.shape[1] for f in fields]
    rows = np.empty((n, sum(widths)), dtype=np.uint8)
    at = 0
    for f, w in zip(fields, widths, strict=True):
        rows[:, at:at + w] = np.frombuffer(f, dtype=np.uint8) if isinstance(f, bytes) else f
        at += w
    return rows


def _texts(rows: np.ndarray, ends_of: np.ndarray) -> list[bytes]:
    """The rows without their pads, cut after the rows ``ends_of`` (each piece: its rows up to that one)."""
    ends = np.cumsum(np.count_nonzero(rows, axis=1))
    text = rows[rows != _PAD].tobytes()
    stops = ends[ends_of].tolist()
    return [text[a:b] for a, b in zip([0, *stops[:-1]], stops, strict=True)]


def track_texts(azimuth: np.ndarray, elevation: np.ndarray, time_unix_s: np.ndarray,
                offsets: np.ndarray) -> list[bytes] | None:
    """Pass ``i``'s polar track (points ``offsets[i]`` to ``offsets[i + 1]``, angles already rounded to two
    decimals) as the JSON text of its list of points."""
    az, el, times = decimal_text(azimuth, 2, 3), decimal_text(elevation, 2, 3), iso_ms_bytes(time_unix_s)
    if az is None or el is None or times is None:
        return None
    n = times.shape[0]
    rows = _rows([b'[{"azimuth":', az, b',"elevation":', el, b',"time":"', times, b'"}],'], n)
    first, last = offsets[:-1], offsets[1:] - 1
    width = rows.shape[1]
    opening = np.ones(n, dtype=bool)
    opening[first] = False
    rows[opening, 0] = _PAD  # "[" only before a pass's first point
    closing = np.ones(n, dtype=bool)
    closing[last] = False
    rows[closing, width - 2] = _PAD  # "]" only after its last
    rows[last, width - 1] = _PAD  # and no "," there
    return _texts(rows, last)


def track_fragments(azimuth: np.ndarray, elevation: np.ndarray, time_unix_s: np.ndarray,
                    offsets: np.ndarray) -> list[orjson.Fragment] | None:
    """``track_texts`` as fragments orjson writes as they are."""
    texts = track_texts(azimuth, elevation, time_unix_s, offsets)
    return None if texts is None else [orjson.Fragment(t) for t in texts]
