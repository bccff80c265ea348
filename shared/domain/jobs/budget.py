"""The work budget of one pass analysis: what a single worker run may be asked to compute.

Work is counted as satellites × ground points × time steps, a time step being one minute of the analysis
window. The analysis samples each orbit on a grid tied to its period and root-finds the window edges, so
the request's ``time_resolution`` does not change its cost; the window's length does. Measured on the
worker's code path (low-Earth orbits, the worst case; a whole-Earth polygon decomposed into 364 points over
7 days): the process grows by about 8.5 bytes and 0.1 µs of CPU per unit of work — 27 satellites
(99 million units) peaked at 815 MB, 100 satellites (367 million) at 3.2 GB. ``WORK_BUDGET`` keeps a run
under about 850 MB, half of the worker's 1769 MB, and well inside its 900 s timeout.

A request over the budget is refused before anything is recorded or started (until such work is split
across several runs).
"""

from __future__ import annotations

import math
from datetime import datetime

from shared.domain.errors import InvalidField

WORK_BUDGET = 100_000_000  # satellites × ground points × minutes of window, per request
STEP_S = 60.0  # one time step of the work measure


def work_units(satellites: int, ground_points: int, start: datetime, end: datetime) -> int:
    """Satellites × ground points × time steps (one a minute, the last partial minute counted)."""
    steps = max(1, math.ceil((end - start).total_seconds() / STEP_S))
    return satellites * ground_points * steps


def check_work_budget(satellites: int, ground_points: int, start: datetime, end: datetime,
                      budget: int = WORK_BUDGET) -> int:
    """The request's work; ``InvalidField`` (on ``norad_ids``) naming the budget when it exceeds it."""
    work = work_units(satellites, ground_points, start, end)
    if work > budget:
        steps = work // (satellites * ground_points)
        raise InvalidField(
            "norad_ids",
            f"the analysis's work, {satellites} satellite(s) × {ground_points} ground point(s) × {steps} time "
            f"step(s) (one a minute of the window) = {work:,}, exceeds the work budget of {budget:,} per "
            "request; analyse fewer satellites, a smaller area or a shorter window",
            code="WORK-BUDGET-EXCEEDED",
        )
    return work
