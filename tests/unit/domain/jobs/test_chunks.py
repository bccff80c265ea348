"""The chunk planner: every chunk within the budget, all the work covered exactly once, satellites split
first, time last; the request bounds that replace the old per-request work budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from shared.domain.errors import InvalidField
from shared.domain.jobs.bounds import MAX_SATELLITES, MAX_WINDOW_DAYS, check_request_bounds
from shared.domain.jobs.chunks import CHUNK_BUDGET, minutes, plan_chunks, work_units

T0 = 1776384000.0  # 2026-04-17T00:00:00Z
WEEK = 7 * 86400.0


def _coverage(plan, sats, points, start, end) -> np.ndarray:
    """How many chunks cover each satellite × point × minute."""
    steps = minutes(start, end)
    seen = np.zeros((sats, points, steps), dtype=int)
    for c in plan:
        m0 = round((c.start_s - start) / 60)
        m1 = m0 + minutes(c.start_s, c.end_s)
        seen[c.sat_lo:c.sat_hi, c.point_lo:c.point_hi, m0:m1] += 1
    return seen


@pytest.mark.parametrize(("sats", "points", "seconds", "budget"), [
    (100, 400, WEEK, CHUNK_BUDGET),  # the largest request the API accepts
    (35, 364, WEEK, CHUNK_BUDGET),
    (1, 1, 600.0, CHUNK_BUDGET),
    (7, 13, 86400.0, 5 * 1440),  # points split
    (3, 2, 86400.0 + 30, 500),  # time split, the last minute partial
    (5, 400, 3 * 86400.0, 1_000_000),
])
def test_every_chunk_is_within_the_budget_and_covers_the_work_exactly_once(sats, points, seconds, budget):
    plan = plan_chunks(sats, points, T0, T0 + seconds, budget)
    assert [c.index for c in plan] == list(range(len(plan)))
    assert all(c.work <= budget for c in plan), max(c.work for c in plan)
    assert (_coverage(plan, sats, points, T0, T0 + seconds) == 1).all()
    assert plan[0].start_s == T0 and max(c.end_s for c in plan) == T0 + seconds
    assert plan == plan_chunks(sats, points, T0, T0 + seconds, budget)  # every step recomputes the same plan


def test_the_largest_request_splits_satellites_only_in_a_few_dozen_chunks():
    plan = plan_chunks(MAX_SATELLITES, 400, T0, T0 + WEEK)
    assert len(plan) == 34 and {(c.point_lo, c.point_hi, c.start_s, c.end_s) for c in plan} == {(0, 400, T0, T0 + WEEK)}
    assert {c.sat_hi - c.sat_lo for c in plan} == {2, 3}  # sizes differ by one at most
    assert sum(c.work for c in plan) == work_units(100, 400, T0, T0 + WEEK)


def test_a_day_of_100_satellites_over_a_small_polygon_is_one_chunk():
    # issue 11's case: 100 satellites x a 5x5 deg polygon in 0.5 deg tiles (100 points) x 1 day
    plan = plan_chunks(100, 100, T0, T0 + 86400.0)
    assert len(plan) == 1 and (plan[0].sat_lo, plan[0].sat_hi, plan[0].point_lo, plan[0].point_hi) == (0, 100, 0, 100)
    assert (plan[0].start_s, plan[0].end_s) == (T0, T0 + 86400.0)
    assert len(plan_chunks(100, 100, T0, T0 + 2 * 86400.0)) == 2  # two days: two chunks of 50 satellites


def test_time_is_split_last_and_on_whole_minutes():
    plan = plan_chunks(2, 3, T0, T0 + 3600, budget=25)  # one satellite over one point is 60 units: split time
    assert {(c.sat_hi - c.sat_lo, c.point_hi - c.point_lo) for c in plan} == {(1, 1)}
    cuts = sorted({c.start_s for c in plan})
    assert cuts == [T0, T0 + 1200, T0 + 2400] and all((t - T0) % 60 == 0 for t in cuts)


def test_a_plan_needs_work():
    with pytest.raises(ValueError):
        plan_chunks(0, 3, T0, T0 + 60)
    with pytest.raises(ValueError):
        plan_chunks(1, 3, T0, T0)


START = datetime(2026, 4, 10, tzinfo=UTC)


def test_the_largest_request_is_within_the_bounds():
    check_request_bounds(MAX_SATELLITES, START, START + timedelta(days=MAX_WINDOW_DAYS), 1)


@pytest.mark.parametrize(("args", "field", "reason"), [
    ((101, START, START + timedelta(days=1), 60), "norad_ids",
     "at most 100 satellites are analysed per request (101 asked)"),
    ((1, START, START + timedelta(days=7, seconds=1), 60), "date",
     "the analysis window may span at most 7 days (7.00001 asked)"),
    ((1, START, START + timedelta(days=1), 0), "time_resolution", "must be at least 1 second (0 asked)"),
])
def test_beyond_a_bound_is_an_invalid_field_naming_the_bound(args, field, reason):
    with pytest.raises(InvalidField) as err:
        check_request_bounds(*args)
    assert (err.value.field, err.value.reason, err.value.code) == (field, reason, "REQUEST-BOUND-EXCEEDED")
