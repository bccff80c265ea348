"""Current position and ground track of catalogue satellites over the orbit core: one vectorised
``current_positions`` call for every satellite asked for. Loads numpy: only the position use case
imports this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from groundlink_orbit import SGP4_ERRORS, CurrentPositions, ElementSet, ElementSetError, current_positions, parse_tle

from shared.domain.catalog.freshness import STRICT, FreshnessPolicy
from shared.domain.catalog.models import Positions, Satellite, SatellitePosition, TrackPoint

HORIZON_S = 5400.0  # the next 1.5 h
STEP_S = 60.0


def iso_of_ms(unix_ms: int) -> str:
    """ISO 8601 UTC with milliseconds from integer milliseconds (exact: no float round-trip)."""
    seconds, ms = divmod(unix_ms, 1000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms:03d}Z"


def sgp4_reason(code: int) -> str:
    return f"propagation failed: {SGP4_ERRORS.get(code, 'unknown error')} (SGP4 error {code})"


def propagate(sats: Sequence[Satellite], now_unix_ms: int, freshness: FreshnessPolicy = STRICT) -> Positions:
    """Position at ``now_unix_ms`` and the track from then on every ``STEP_S`` for ``HORIZON_S`` (``now``
    included: 91 points), in the order given; each with its element set's freshness at ``now_unix_ms``."""
    now = datetime.fromtimestamp(now_unix_ms / 1000, UTC)
    entries: list[SatellitePosition] = []
    sets: list[ElementSet] = []
    rows: list[int] = []  # entry index of each element set
    for sat in sats:
        entry = SatellitePosition(norad_id=sat.norad_id, name=sat.name, epoch=None)
        entries.append(entry)
        if sat.tle is None:
            entry.error = "no element set is stored for this satellite"
            continue
        entry.epoch = sat.tle.epoch
        entry.freshness = freshness.of(sat.tle.epoch, now)
        try:
            sets.append(parse_tle(sat.tle.line1, sat.tle.line2, sat.tle.name or sat.name))
        except ElementSetError as exc:
            entry.error = f"the stored element set cannot be used: {exc}"
            continue
        rows.append(len(entries) - 1)

    step_ms = int(STEP_S * 1000)
    times_ms = [now_unix_ms + int(off) for off in range(0, int(HORIZON_S * 1000) + 1, step_ms)]
    if sets:
        track = current_positions(sets, now_unix_ms / 1000.0, horizon_s=HORIZON_S, step_s=STEP_S)
        for row, index in enumerate(rows):
            _fill(entries[index], track, row, times_ms)
    return Positions(now_unix_ms=now_unix_ms, step_ms=step_ms, satellites=entries)


def _fill(entry: SatellitePosition, track: CurrentPositions, row: int, times_ms: list[int]) -> None:
    lat, lon, alt = track.latitude_deg[row], track.longitude_deg[row], track.altitude_km[row]
    speed, codes = track.speed_km_s[row], track.error_code[row]
    usable = (codes == 0) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt) & np.isfinite(speed)
    bad = np.flatnonzero(~usable)
    first_bad = int(bad[0]) if len(bad) else len(times_ms)
    if first_bad == 0:
        code = int(codes[0])
        entry.error = sgp4_reason(code) if code else "propagation failed: non-finite state"
        return
    entry.speed_km_s = float(speed[0])
    entry.track = [
        TrackPoint(unix_ms=times_ms[k], latitude_deg=float(lat[k]), longitude_deg=float(lon[k]),
                   altitude_km=float(alt[k]))
        for k in range(first_bad)
    ]
    if first_bad < len(times_ms):
        code = int(codes[first_bad])
        reason = sgp4_reason(code) if code else "propagation failed: non-finite state"
        entry.warning = f"trajectory stops at {iso_of_ms(times_ms[first_bad])}: {reason}"
