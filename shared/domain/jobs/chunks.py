"""How a pass analysis is split into chunks that each fit a worker's memory budget.

A chunk is a block of the work: a run of satellites × a run of ground points × a time range. Work is counted
as satellites × ground points × time steps of one minute (the analysis samples each orbit on a grid tied to
its period and root-finds the window edges, so its cost follows the window's length, not the request's
``time_resolution``). Measured on the worker's code path (low-Earth orbits, the worst case), a run grows by
about 8.5 bytes per unit of work; ``CHUNK_BUDGET`` keeps one chunk under about 140 MB over the process's
baseline, so that a worker (1769 MB in AWS) runs one with room to spare and the local runtime, which runs the
chunks of a job in one process, stays under 1 GB with ``LOCAL_MAP_CONCURRENCY`` chunks at once. The budget also
holds a day of 100 satellites over a 5°×5° polygon in tiles of 0.5° (100 points, 14.4 million units) in one
chunk: a small job runs as one Map item, without a second chunk contending for the same cores or a merge of
parts. The largest request (100 satellites × 400 points × 7 days) is 34 chunks of 2–3 satellites either way.

The plan splits satellites first (no boundary to merge), then ground points, and time ranges (whole minutes)
last, only when one satellite over one point is already over the budget. It is a pure function of the job's
request: every step of the job (plan, chunk, merge) recomputes the same plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHUNK_BUDGET = 16_000_000  # satellites × ground points × minutes, per chunk (at most about 136 MB)
STEP_S = 60.0  # one time step of the work measure


@dataclass(frozen=True)
class Chunk:
    """Satellites ``[sat_lo, sat_hi)`` × ground points ``[point_lo, point_hi)`` × ``[start_s, end_s]`` (Unix s)."""

    index: int
    sat_lo: int
    sat_hi: int
    point_lo: int
    point_hi: int
    start_s: float
    end_s: float

    @property
    def work(self) -> int:
        return work_units(self.sat_hi - self.sat_lo, self.point_hi - self.point_lo, self.start_s, self.end_s)

    def describe(self) -> str:
        """For a client reading why a job failed: which part of the work this chunk was."""
        from datetime import UTC, datetime

        def iso(t: float) -> str:
            return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return (f"satellites {self.sat_lo + 1}-{self.sat_hi}, ground points {self.point_lo + 1}-{self.point_hi}, "
                f"{iso(self.start_s)} to {iso(self.end_s)}")


def minutes(start_s: float, end_s: float) -> int:
    """Time steps of the work measure: one a minute, the last partial minute counted."""
    return max(1, math.ceil((end_s - start_s) / STEP_S))


def work_units(satellites: int, points: int, start_s: float, end_s: float) -> int:
    return satellites * points * minutes(start_s, end_s)


def _runs(count: int, parts: int) -> list[tuple[int, int]]:
    """``[0, count)`` cut into ``parts`` consecutive runs whose sizes differ by at most one."""
    base, extra = divmod(count, parts)
    out, lo = [], 0
    for i in range(parts):
        hi = lo + base + (1 if i < extra else 0)
        out.append((lo, hi))
        lo = hi
    return out


def _time_ranges(start_s: float, end_s: float, parts: int) -> list[tuple[float, float]]:
    """``[start_s, end_s]`` cut into ``parts`` ranges of whole minutes (the last one takes the remainder)."""
    total = minutes(start_s, end_s)
    cuts = [start_s + STEP_S * lo for lo, _ in _runs(total, parts)]
    return [(a, cuts[i + 1] if i + 1 < len(cuts) else end_s) for i, a in enumerate(cuts)]


def plan_chunks(satellites: int, points: int, start_s: float, end_s: float,
                budget: int = CHUNK_BUDGET) -> list[Chunk]:
    """The chunks of ``satellites`` × ``points`` × ``[start_s, end_s]``: each at most ``budget`` units of work,
    together covering every satellite × point × minute exactly once, in a fixed order."""
    if satellites < 1 or points < 1 or not end_s > start_s or budget < 1:
        raise ValueError("a plan needs at least one satellite, one point, a window and a budget")
    steps = minutes(start_s, end_s)
    sats_per = max(1, min(satellites, budget // (points * steps)))
    points_per = points if sats_per * points * steps <= budget else max(1, min(points, budget // steps))
    time_parts = 1 if points_per * steps <= budget else math.ceil(steps / budget)
    sat_runs = _runs(satellites, math.ceil(satellites / sats_per))
    point_runs = _runs(points, math.ceil(points / points_per))
    times = _time_ranges(start_s, end_s, time_parts)
    chunks: list[Chunk] = []
    for s_lo, s_hi in sat_runs:
        for p_lo, p_hi in point_runs:
            for t0, t1 in times:
                chunks.append(Chunk(len(chunks), s_lo, s_hi, p_lo, p_hi, t0, t1))
    return chunks
