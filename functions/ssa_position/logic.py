"""Current position and the next 1.5 h of ground track of catalogue satellites (seed 002,
"Get Current Satellite Position"), over the orbit core: one vectorised ``current_positions`` call for
every satellite of the request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from groundlink_orbit import SGP4_ERRORS, ElementSet, ElementSetError, current_positions, parse_tle

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.domain.catalog.models import Satellite
from shared.domain.errors import NotFound
from shared.timefmt import iso_ms

HORIZON_S = 5400.0  # the next 1.5 h
STEP_S = 60.0


def iso_of_ms(unix_ms: int) -> str:
    """ISO 8601 UTC with milliseconds from integer milliseconds (exact: no float round-trip)."""
    seconds, ms = divmod(unix_ms, 1000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms:03d}Z"


def sgp4_reason(code: int) -> str:
    return f"propagation failed: {SGP4_ERRORS.get(code, 'unknown error')} (SGP4 error {code})"


class CurrentPosition:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def satellites(self, norad_ids: Sequence[int]) -> list[Satellite]:
        """The satellites in request order; unknown ids are one 404 naming all of them."""
        known = {s.norad_id: s for s in self.repo.list_satellites()}
        found: list[Satellite | None] = [known.get(n) or self.repo.get_satellite(n) for n in norad_ids]
        missing = [n for n, s in zip(norad_ids, found, strict=True) if s is None]
        if missing:
            raise NotFound(f"satellite(s) not found: {', '.join(map(str, missing))}")
        return [s for s in found if s is not None]

    def positions(self, norad_ids: Sequence[int], now_unix_ms: int) -> dict[str, Any]:
        """Position at ``now_unix_ms`` and the trajectory from then on every ``STEP_S`` for ``HORIZON_S``
        (``now`` included: 91 points). A satellite that cannot be propagated at ``now`` gets ``error``
        instead of numbers; one whose propagation fails later keeps the points before and a ``warning``."""
        sats = self.satellites(norad_ids)
        entries: list[dict[str, Any]] = []
        sets: list[ElementSet] = []
        rows: list[int] = []  # entry index of each element set
        for sat in sats:
            entry: dict[str, Any] = {"norad_id": sat.norad_id, "name": sat.name, "epoch": None}
            entries.append(entry)
            if sat.tle is None:
                entry["error"] = "no element set is stored for this satellite"
                continue
            entry["epoch"] = iso_ms(sat.tle.epoch)
            try:
                sets.append(parse_tle(sat.tle.line1, sat.tle.line2, sat.tle.name or sat.name))
            except ElementSetError as exc:
                entry["error"] = f"the stored element set cannot be used: {exc}"
                continue
            rows.append(len(entries) - 1)

        offsets_ms = np.arange(0, int(HORIZON_S * 1000) + 1, int(STEP_S * 1000), dtype=np.int64)
        times = [iso_of_ms(now_unix_ms + int(off)) for off in offsets_ms]
        if sets:
            track = current_positions(sets, now_unix_ms / 1000.0, horizon_s=HORIZON_S, step_s=STEP_S)
            for row, index in enumerate(rows):
                self._fill(entries[index], track, row, times)
        return {"timestamp": times[0], "positions": entries}

    @staticmethod
    def _fill(entry: dict[str, Any], track, row: int, times: list[str]) -> None:
        lat, lon, alt = track.latitude_deg[row], track.longitude_deg[row], track.altitude_km[row]
        speed, codes = track.speed_km_s[row], track.error_code[row]
        usable = (codes == 0) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt) & np.isfinite(speed)
        bad = np.flatnonzero(~usable)
        first_bad = int(bad[0]) if len(bad) else len(times)
        if first_bad == 0:
            code = int(codes[0])
            entry["error"] = sgp4_reason(code) if code else "propagation failed: non-finite state"
            return
        entry.update(
            latitude=round(float(lat[0]), 6),
            longitude=round(float(lon[0]), 6),
            altitude_km=round(float(alt[0]), 4),
            velocity_km_s=round(float(speed[0]), 6),
            trajectory=[
                {
                    "timestamp": times[k],
                    "latitude": round(float(lat[k]), 6),
                    "longitude": round(float(lon[k]), 6),
                    "altitude_km": round(float(alt[k]), 4),
                }
                for k in range(first_bad)
            ],
        )
        if first_bad < len(times):
            code = int(codes[first_bad])
            reason = sgp4_reason(code) if code else "propagation failed: non-finite state"
            entry["warning"] = f"trajectory stops at {times[first_bad]}: {reason}"
