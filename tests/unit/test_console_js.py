"""The console's own unit tests (console/test/*.test.mjs: the sky plot's azimuth/elevation → plot coordinates, the
ground track's antimeridian splitting, the sub-satellite point, the timeline's time scale, the rows of the maneuver
plot's burn labels) run by Node's built-in
test runner, on the JavaScript the browser runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def test_the_consoles_plotting_maths_passes_its_node_tests() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the console's JavaScript tests need Node >= 20")
    proc = subprocess.run([node, "--test", "test/"], cwd=CONSOLE, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = int(re.search(r"^# pass (\d+)$", proc.stdout, re.M).group(1))
    failed = int(re.search(r"^# fail (\d+)$", proc.stdout, re.M).group(1))
    assert failed == 0 and passed >= 18, proc.stdout[-2000:]
    for name in ("north is up, east right", "antimeridian", "sub-satellite point", "close ones step down a row"):
        assert name in proc.stdout
