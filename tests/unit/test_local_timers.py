"""The local runtime's stand-in for EventBridge schedules (infra/local/timers.py): one periodic timer invoking a
worker's handler with the scheduled event on every tick — off at a zero period, a failed run reported and the next
tick still run, stopped at once — and the runtime's set of them with each period from its setting."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

import functions.catalog_refresh.handler as refresh_handler
from infra.local.timers import SCHEDULED_EVENT, PeriodicTimer, local_timers
from shared.resources import EVENT_BUS, FUNCTIONS, STATE_MACHINES, function


class Recorder:
    def __init__(self, fail_first: int = 0) -> None:
        self.events: list[tuple[dict, str, str]] = []
        self.fail_first = fail_first
        self.three = threading.Event()

    def __call__(self, event, context):
        self.events.append((event, context.function_name, threading.current_thread().name))
        if len(self.events) >= 3:
            self.three.set()
        if len(self.events) <= self.fail_first:
            raise RuntimeError(f"source down ({len(self.events)})")
        return {}


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    handler = Recorder(fail_first=2)
    monkeypatch.setattr(refresh_handler, "handler", handler)
    return handler


def test_a_zero_period_starts_no_thread(recorder) -> None:
    timer = PeriodicTimer("catalog-refresh", 0.0, function("catalog_refresh")).start()
    time.sleep(0.05)
    timer.stop()
    assert timer.thread is None and recorder.events == []


def test_each_tick_runs_the_handler_and_failures_are_reported_without_stopping_it(recorder) -> None:
    errors: list[BaseException] = []
    timer = PeriodicTimer("tick", 0.01, function("catalog_refresh"), on_error=errors.append).start()
    try:
        assert recorder.three.wait(5)
    finally:
        timer.stop()
    assert not timer.thread.is_alive()
    event, name, thread = recorder.events[0]
    assert event == SCHEDULED_EVENT and event is not SCHEDULED_EVENT  # a copy per run: a handler may change it
    assert (name, thread) == ("catalog_refresh", "tick")
    assert [str(e) for e in errors] == ["source down (1)", "source down (2)"]  # the third run went on regardless
    ran = len(recorder.events)
    time.sleep(0.05)
    assert len(recorder.events) == ran  # nothing runs after stop()


def test_the_runtime_set_takes_each_period_from_its_setting(monkeypatch) -> None:
    monkeypatch.setenv("GROUNDLINK_LIFECYCLE_TICK_S", "2.5")
    timers = local_timers(FUNCTIONS, state_machines=STATE_MACHINES, bus=EVENT_BUS, refresh_every_s=900.0)
    periods = {t.name: (t.every_s, t.worker.name) for t in timers.timers}
    assert periods["events-relay"] == (EVENT_BUS.local_relay_every_s, EVENT_BUS.relay)
    assert periods["schedule-ledger_lifecycle"] == (2.5, "ledger_lifecycle")
    assert periods["catalog-refresh"] == (900.0, "catalog_refresh")
    for sm in STATE_MACHINES:
        assert periods[f"sweep-{sm.key}"] == (float(sm.sweep_every_s), sm.worker)
    scheduled = {f.name for f in FUNCTIONS if f.every_s}
    assert set(periods) == {"events-relay", "catalog-refresh", *(f"sweep-{sm.key}" for sm in STATE_MACHINES),
                            *(f"schedule-{name}" for name in scheduled)}
    assert "schedule-ledger_lifecycle" not in {t.name for t in local_timers(FUNCTIONS, with_schedules=False).timers}


def test_the_set_reports_a_failed_run_by_its_timer_and_stops_every_timer_at_once(recorder) -> None:
    lines: list[str] = []
    spec = function("catalog_refresh")
    relay_bus = dataclasses.replace(EVENT_BUS, relay=spec.name, local_relay_every_s=0.01)
    timers = local_timers((spec,), bus=relay_bus, refresh_every_s=3600.0, report=lines.append).start()
    try:
        assert recorder.three.wait(5)
    finally:
        started = time.monotonic()
        timers.stop()
        stopped_in = time.monotonic() - started
    assert stopped_in < 1.0  # the hour-long refresh period is not waited for
    assert all(not t.thread.is_alive() for t in timers.timers)
    assert lines[:2] == ["event relay: RuntimeError('source down (1)')", "event relay: RuntimeError('source down (2)')"]
    assert {name for _, _, name in recorder.events} == {"events-relay"}  # the refresh never ticked
