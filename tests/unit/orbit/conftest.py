from pathlib import Path

import pytest
from groundlink_orbit import parse_tle_text

SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "tle" / "active_snapshot.tle"
WINDOW_START_UNIX_S = 1776384000.0  # 2026-04-17T00:00:00Z, frozen "now" next to the snapshot's epochs


@pytest.fixture(scope="session")
def snapshot():
    report = parse_tle_text(SNAPSHOT.read_text())
    assert not report.errors
    return report.element_sets


@pytest.fixture(scope="session")
def iss(snapshot):
    return next(s for s in snapshot if s.norad_id == 25544)


@pytest.fixture(scope="session")
def aqua(snapshot):
    return next(s for s in snapshot if s.norad_id == 27424)
