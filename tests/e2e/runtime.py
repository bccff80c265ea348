"""The local runtime as the end-to-end tests use it: ``python -m infra.local`` on free ports, started
once per test module, its output drained in the background (a full pipe would block it), stopped with
Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from infra.local.emulation import free_port
from shared.catalog.demo import DEMO_TLE_ENV

ROOT = Path(__file__).resolve().parents[2]


class LocalRuntime:
    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.port, self.moto_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
        env.update(PYTHONUNBUFFERED="1", GROUNDLINK_PORT=str(self.port), GROUNDLINK_MOTO_PORT=str(self.moto_port))
        env.update(DEMO_TLE_ENV)  # as `make run`: the months-old demo element sets stay bookable
        env.update(extra_env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.line_times: list[float] = []  # time.monotonic() when each line of ``lines`` was read
        self.exited_at: float | None = None
        self._drain: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def moto(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def banner(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout_s: float = 90.0) -> None:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
            self._add(line)
            if "is ready on" in line:
                self._drain = threading.Thread(target=self._drain_output, daemon=True)
                self._drain.start()
                return
        self.proc.kill()
        raise RuntimeError("local runtime did not start:\n" + self.banner)

    def _add(self, line: str) -> None:
        self.lines.append(line)
        self.line_times.append(time.monotonic())

    def _drain_output(self) -> None:
        for line in self.proc.stdout:
            self._add(line)

    def stop(self, timeout_s: float = 30.0) -> tuple[int, str]:
        """Ctrl-C; the exit code and everything it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout_s)
                self.exited_at = time.monotonic()
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._drain is not None:
            self._drain.join(timeout=5)
        return self.proc.returncode, "".join(self.lines)


def start_runtime(extra_env: dict[str, str] | None = None):
    """Generator for a module-scoped pytest fixture (``extra_env``: settings for this runtime, e.g. shorter
    retry delays)."""
    runtime = LocalRuntime(extra_env)
    try:
        runtime.wait_ready()
    except RuntimeError as exc:
        import pytest

        pytest.fail(str(exc))
    yield runtime
    runtime.stop()
