"""Scoring detections against the burns of generated histories (used by the benchmark and the training)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scripts.maneuvers.scenarios import DAY, Burn, Scenario
from shared.domain.jobs.analysis.maneuvers import Candidate, Maneuver

MATCH_S = 0.05 * DAY  # a detection matches a burn inside its gap (widened by this) ...
MATCH_NEAR_S = 0.75 * DAY  # ... or within this of its time


def in_window(sc: Scenario, t: float) -> bool:
    return sc.window[0] <= t < sc.window[1]


def matches(sc: Scenario, found: Sequence[Maneuver | Candidate]) -> list[tuple[Maneuver | Candidate, Burn | None]]:
    """Each detection with the burn it found (None: a false alarm); one burn matches one detection at most."""
    taken: set[int] = set()
    out: list[tuple[Maneuver | Candidate, Burn | None]] = []
    for m in sorted(found, key=lambda m: -m.probability):
        best, best_d = None, (2, np.inf)
        for k, b in enumerate(sc.burns):
            if k in taken:
                continue
            inside = m.before.epoch_unix_s - MATCH_S <= b.t_unix <= m.after.epoch_unix_s + MATCH_S
            d = (0 if inside else 1, abs(b.t_unix - m.time_unix))  # a burn inside the gap first
            if (inside or d[1] <= MATCH_NEAR_S) and d < best_d:
                best, best_d = k, d
        if best is not None:
            taken.add(best)
        out.append((m, sc.burns[best] if best is not None else None))
    return out


@dataclass
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0

    def line(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        f1 = 2 * p * r / (p + r) if p + r else float("nan")
        return f"P {p:5.3f}  R {r:5.3f}  F1 {f1:5.3f}  (tp {self.tp}, fn {self.fn}, fp {self.fp})"
