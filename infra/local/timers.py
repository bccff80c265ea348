"""The local stand-in for EventBridge schedules: one ``PeriodicTimer`` per schedule, each a daemon thread invoking
its worker's handler with the "Scheduled Event" EventBridge sends, every so many seconds. ``local_timers`` builds
the runtime's set of them:

* the outbox relay about every second (``EventBusSpec.local_relay_every_s``): in AWS the events table's stream and
  a one-minute schedule wake it; locally a short timer alone gives the same latency;
* every ``StateMachineSpec.sweep_every_s`` the state machine's worker (the sweep of jobs left open past their
  bound the CDK app's sweep rule triggers). The execution-status rule has no local counterpart; the sweep covers
  what it would catch;
* every scheduled worker (``FunctionSpec.every_s``, e.g. the reservation lifecycle) every
  ``Settings.<local_every_setting>`` seconds (``GROUNDLINK_LIFECYCLE_TICK_S``: a few seconds, so reservations move
  on time locally);
* the catalogue refresh every ``GROUNDLINK_REFRESH_EVERY_S`` seconds (0, the default, keeps it off).

A failed run is reported (``on_error``) and the next tick tries again; ``stop()`` ends the threads at once (it waits
only for a run in progress)."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable

from infra.local.pump import FakeLambdaContext
from shared.resources import EventBusSpec, FunctionSpec, StateMachineSpec

SCHEDULED_EVENT = {"version": "0", "source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
STOP_WAIT_S = 5.0


def local_period_s(spec: FunctionSpec) -> float:
    """How often the local runtime runs a scheduled worker."""
    if spec.local_every_setting:
        from shared.settings import get_settings

        return float(getattr(get_settings(), spec.local_every_setting))
    return float(spec.every_s or 60)


class PeriodicTimer:
    """``worker``'s handler invoked with ``SCHEDULED_EVENT`` every ``every_s`` seconds (the first run one period
    after ``start``) on a daemon thread named ``name``; ``every_s`` <= 0: off, no thread. An exception from a run
    goes to ``on_error`` (if any) and the timer carries on."""

    def __init__(self, name: str, every_s: float, worker: FunctionSpec, *,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.name = name
        self.every_s = every_s
        self.worker = worker
        self.on_error = on_error
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> PeriodicTimer:
        if self.every_s > 0:
            self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self.thread.start()
        return self

    def signal_stop(self) -> None:
        self.stopping.set()

    def stop(self) -> None:
        self.signal_stop()
        if self.thread is not None:
            self.thread.join(timeout=STOP_WAIT_S)

    def _run(self) -> None:
        module, attr = self.worker.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), attr)
        while not self.stopping.wait(self.every_s):
            try:
                handler(dict(SCHEDULED_EVENT),
                        FakeLambdaContext(self.worker.name, self.worker.memory_mb, self.worker.timeout_s))
            except Exception as exc:  # whatever the run left undone, the next tick does again
                if self.on_error:
                    self.on_error(exc)


class Timers:
    """A set of timers started and stopped together: ``stop()`` tells every one first, then waits for each."""

    def __init__(self, timers: Iterable[PeriodicTimer]) -> None:
        self.timers = list(timers)

    def start(self) -> Timers:
        for timer in self.timers:
            timer.start()
        return self

    def stop(self) -> None:
        for timer in self.timers:
            timer.signal_stop()
        for timer in self.timers:
            timer.stop()

    def named(self, name: str) -> PeriodicTimer:
        return next(t for t in self.timers if t.name == name)


def local_timers(functions: tuple[FunctionSpec, ...], *, state_machines: tuple[StateMachineSpec, ...] = (),
                 bus: EventBusSpec | None = None, with_schedules: bool = True, refresh_every_s: float = 0.0,
                 report: Callable[[str], None] | None = None) -> Timers:
    """The local runtime's timers (see the module's docstring), not started; ``report`` gets one line per failed
    run."""
    by_name = {spec.name: spec for spec in functions}

    def reporting(what: str) -> Callable[[BaseException], None] | None:
        return (lambda exc: report(f"{what}: {exc!r}")) if report else None

    timers: list[PeriodicTimer] = []
    if bus is not None:
        timers.append(PeriodicTimer("events-relay", bus.local_relay_every_s, by_name[bus.relay],
                                    on_error=reporting("event relay")))
    timers += [PeriodicTimer(f"sweep-{sm.key}", float(sm.sweep_every_s), by_name[sm.worker],
                             on_error=reporting("scheduled sweep")) for sm in state_machines]
    if with_schedules:
        timers += [PeriodicTimer(f"schedule-{f.name}", local_period_s(f), f, on_error=reporting("scheduled sweep"))
                   for f in functions if f.every_s]
    if "catalog_refresh" in by_name:
        timers.append(PeriodicTimer("catalog-refresh", refresh_every_s, by_name["catalog_refresh"],
                                    on_error=reporting("catalogue refresh failed")))
    return Timers(timers)
