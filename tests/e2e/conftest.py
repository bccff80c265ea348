"""The end-to-end tests' shared fixture: the local runtime, started once per test module (tests/e2e/runtime.py).
A module that needs other settings defines its own ``runtime`` fixture with ``start_runtime(extra_env)``."""

from __future__ import annotations

import pytest

from tests.e2e.runtime import start_runtime


@pytest.fixture(scope="module")
def runtime():
    yield from start_runtime()
