"""The local runtime as the benchmarks start it: ``python -m infra.local`` on free ports, as ``make run`` starts it
(``tests/e2e/runtime.py``'s ``LocalRuntime``: it waits for the banner, then drains the runtime's output so its pipe
never fills), and the environment a ``groundlink`` CLI run against that runtime's emulator needs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from e2e.runtime import LocalRuntime  # type: ignore[import-not-found]  # noqa: E402


def start_runtime(extra_env: dict[str, str] | None = None) -> LocalRuntime:
    """A started local runtime (raises, with its banner, when it does not come up); ``runtime.stop()`` ends it."""
    runtime = LocalRuntime(extra_env)
    runtime.wait_ready()
    return runtime


def cli_env(runtime: LocalRuntime) -> dict[str, str]:
    """This process's environment without Groundlink's or moto's settings, pointed at ``runtime``'s emulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
    return {**env, "GROUNDLINK_AWS_ENDPOINT_URL": runtime.moto}
