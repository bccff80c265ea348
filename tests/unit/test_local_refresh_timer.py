"""The local runtime's stand-in for the refresh schedule: off by default, and when on it invokes the refresh
handler with EventBridge's scheduled event on every tick, a failed run reported and the next tick still run."""

from __future__ import annotations

import threading

import functions.catalog_refresh.handler as refresh_handler
from infra.local.timers import SCHEDULED_EVENT, RefreshTimer
from shared.resources import function


def test_off_by_default_it_starts_no_thread() -> None:
    timer = RefreshTimer(0.0, function("catalog_refresh")).start()
    assert timer.thread is None
    timer.stop()


def test_each_tick_invokes_the_handler_and_a_failure_does_not_stop_the_timer(monkeypatch) -> None:
    events: list[dict] = []
    three = threading.Event()

    def handler(event, context):
        events.append(event)
        if len(events) >= 3:
            three.set()
        if len(events) == 1:
            raise RuntimeError("source down")
        return {}

    monkeypatch.setattr(refresh_handler, "handler", handler)
    errors: list[BaseException] = []
    timer = RefreshTimer(0.01, function("catalog_refresh"), on_error=errors.append).start()
    try:
        assert three.wait(5)
    finally:
        timer.stop()
    assert events[0] == SCHEDULED_EVENT and [str(e) for e in errors] == ["source down"]
    assert not timer.thread.is_alive()
