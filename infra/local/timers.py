"""The local stand-in for EventBridge schedules: the outbox relay about every second (``RelayTimer``); every
``StateMachineSpec.sweep_every_s`` the state machine's worker gets the "Scheduled Event" the CDK app's sweep rule
sends it (the sweep of jobs left open past their bound); and every scheduled worker (``FunctionSpec.every_s``, e.g.
the reservation lifecycle) gets it every ``Settings.<local_every_setting>`` seconds (``GROUNDLINK_LIFECYCLE_TICK_S``:
a few seconds, so reservations move on time locally). The execution-status rule has no local counterpart; the
sweep covers what it would catch."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

from infra.local.pump import FakeLambdaContext
from shared.resources import EventBusSpec, FunctionSpec, StateMachineSpec

SCHEDULED_EVENT = {"version": "0", "source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


def local_period_s(spec: FunctionSpec) -> float:
    """How often the local runtime runs a scheduled worker."""
    if spec.local_every_setting:
        from shared.settings import get_settings

        return float(getattr(get_settings(), spec.local_every_setting))
    return float(spec.every_s or 60)


class RelayTimer:
    """The outbox relay every ``EventBusSpec.local_relay_every_s`` (about 1 s): in AWS the events table's stream
    and a one-minute schedule wake it; locally a short timer alone gives the same latency."""

    def __init__(self, bus: EventBusSpec, functions: tuple[FunctionSpec, ...], *,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.worker = {spec.name: spec for spec in functions}[bus.relay]
        self.every_s = bus.local_relay_every_s
        self.on_error = on_error
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> RelayTimer:
        self.thread = threading.Thread(target=self._run, name="events-relay", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _run(self) -> None:
        module, attr = self.worker.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), attr)
        while not self.stopping.wait(self.every_s):
            try:
                handler(dict(SCHEDULED_EVENT), FakeLambdaContext(self.worker.name, self.worker.memory_mb,
                                                                 self.worker.timeout_s))
            except Exception as exc:  # the events stay in the outbox; the next tick tries again
                if self.on_error:
                    self.on_error(exc)


class SweepTimers:
    """One daemon thread per state machine and per scheduled worker; ``stop()`` ends them at once."""

    def __init__(self, state_machines: tuple[StateMachineSpec, ...], functions: tuple[FunctionSpec, ...], *,
                 on_error: Callable[[BaseException], None] | None = None, with_schedules: bool = True) -> None:
        by_name = {spec.name: spec for spec in functions}
        self.targets: list[tuple[str, float, FunctionSpec]] = [
            (f"sweep-{sm.key}", float(sm.sweep_every_s), by_name[sm.worker]) for sm in state_machines]
        if with_schedules:
            self.targets += [(f"schedule-{f.name}", local_period_s(f), f) for f in functions if f.every_s]
        self.on_error = on_error
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> SweepTimers:
        for name, period_s, worker in self.targets:
            t = threading.Thread(target=self._run, args=(period_s, worker), name=name, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=5)

    def _run(self, period_s: float, worker: FunctionSpec) -> None:
        module, attr = worker.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), attr)
        while not self.stopping.wait(period_s):
            try:
                handler(dict(SCHEDULED_EVENT), FakeLambdaContext(worker.name, worker.memory_mb, worker.timeout_s))
            except Exception as exc:  # the next tick tries again
                if self.on_error:
                    self.on_error(exc)


class RefreshTimer:
    """The local stand-in for the catalogue refresh's EventBridge schedule: every ``every_s`` seconds
    (``GROUNDLINK_REFRESH_EVERY_S``; 0, the default, keeps it off) the ``catalog_refresh`` handler runs in a
    daemon thread, as the schedule would invoke it; a failed run is reported and the next tick tries again."""

    def __init__(self, every_s: float, spec: FunctionSpec, *,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.every_s = every_s
        self.spec = spec
        self.on_error = on_error
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> RefreshTimer:
        if self.every_s > 0:
            self.thread = threading.Thread(target=self._run, name="catalog-refresh", daemon=True)
            self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _run(self) -> None:
        module, attr = self.spec.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), attr)
        while not self.stopping.wait(self.every_s):
            try:
                context = FakeLambdaContext(self.spec.name, self.spec.memory_mb, self.spec.timeout_s)
                handler(dict(SCHEDULED_EVENT), context)
            except Exception as exc:
                if self.on_error:
                    self.on_error(exc)
