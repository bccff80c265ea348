"""The local runtime as the end-to-end tests use it: ``python -m infra.local`` on free ports, started
once per test module, its output drained in the background (a full pipe would block it), stopped with
Ctrl-C (SIGINT) — and the clients every end-to-end test talks to it with: ``call``/``exchange`` (HTTP, JSON),
``aws_client`` (the embedded AWS, with its fake credentials) and ``groundlink``/``cli`` (the CLI, as an operator
runs it next to ``make run``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from infra.local.emulation import FAKE_CREDENTIALS, free_port
from shared.catalog.demo import DEMO_TLE_ENV

ROOT = Path(__file__).resolve().parents[2]


class LocalRuntime:
    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.port, self.moto_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
        env.update(extra_env or {})
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


# -- clients ----------------------------------------------------------------------------------------------------
def exchange(method: str, url: str, token: str | None = None, body: Any = None, *, form: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, timeout_s: float = 60) -> tuple[int, dict[str, str], Any]:
    """One HTTP request: ``body`` sent as JSON, or ``form`` URL-encoded; ``token`` as a bearer token. Answers the
    status, the headers (names lower-cased) and the body, parsed when JSON (None when empty) — an error status is
    an answer like any other, not an exception."""
    sent = {"Accept": "application/json", **(headers or {})}
    data = None
    if body is not None:
        sent["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    elif form is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        data = urllib.parse.urlencode(form).encode()
    if token:
        sent["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            status, answered, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, answered, raw = err.code, err.headers, err.read()
    return status, {k.lower(): v for k, v in answered.items()}, _decoded(raw)


def _decoded(raw: bytes) -> Any:
    """JSON, or the text of a body that is not (a CORS preflight's "OK"); None for no body."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def call(method: str, url: str, token: str | None = None, body: Any = None, *, form: dict[str, str] | None = None,
         timeout_s: float = 60) -> tuple[int, Any]:
    """``exchange`` without the headers: the status and the body."""
    status, _, answer = exchange(method, url, token, body, form=form, timeout_s=timeout_s)
    return status, answer


def aws_client(runtime: LocalRuntime, service: str) -> Any:
    """A boto3 client of the runtime's embedded AWS (moto), with the fake credentials it accepts."""
    import boto3

    return boto3.client(service, endpoint_url=runtime.moto, region_name="us-east-1",
                        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])


def cli_env(runtime: LocalRuntime | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a shell next to ``make run``: none of this process's Groundlink or moto settings, and,
    given a runtime, the same ports as it (the CLI finds its embedded AWS from GROUNDLINK_MOTO_PORT)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
    env["PYTHONUNBUFFERED"] = "1"
    if runtime is not None:
        env.update(GROUNDLINK_PORT=str(runtime.port), GROUNDLINK_MOTO_PORT=str(runtime.moto_port))
    env.update(extra or {})
    return env


def groundlink(runtime: LocalRuntime | None, *args: str, env_extra: dict[str, str] | None = None,
               timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
    """The ``groundlink`` CLI (``python -m shared.cli``) against ``runtime``, whatever its exit status."""
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env=cli_env(runtime, env_extra),
                          capture_output=True, text=True, timeout=timeout_s)


def cli(runtime: LocalRuntime | None, *args: str, env_extra: dict[str, str] | None = None,
        timeout_s: float = 120) -> str:
    """The stdout of a CLI command that must succeed, stripped (its stderr in the failure otherwise)."""
    done = groundlink(runtime, *args, env_extra=env_extra, timeout_s=timeout_s)
    assert done.returncode == 0, f"groundlink {' '.join(args)} exited {done.returncode}: {done.stderr}"
    return done.stdout.strip()
