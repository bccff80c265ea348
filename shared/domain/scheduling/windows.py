"""Pass windows and the interval arithmetic on them (no orbit maths here: see ``passes``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A slot edge may differ from the predicted rise/set by this much (clients echo times rounded to ms/s).
EDGE_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class PassWindow:
    rise_unix_s: float
    set_unix_s: float
    max_elevation_deg: float


def containing_pass(windows: Sequence[PassWindow], start_unix_s: float, end_unix_s: float,
                    tolerance_s: float = EDGE_TOLERANCE_S) -> PassWindow | None:
    for w in windows:
        if w.rise_unix_s - tolerance_s <= start_unix_s and end_unix_s <= w.set_unix_s + tolerance_s:
            return w
    return None


def free_intervals(windows: Sequence[PassWindow], taken: Sequence[tuple[float, float]], start_unix_s: float,
                   end_unix_s: float) -> list[tuple[float, float]]:
    """Parts of [start, end] inside a pass and outside every taken interval, in time order."""
    free = []
    for w in windows:
        lo, hi = max(w.rise_unix_s, start_unix_s), min(w.set_unix_s, end_unix_s)
        pieces = [(lo, hi)] if lo < hi else []
        for t0, t1 in sorted(taken):
            pieces = [p for a, b in pieces for p in ((a, min(b, t0)), (max(a, t1), b)) if p[0] < p[1]]
        free.extend(pieces)
    return sorted(free)


