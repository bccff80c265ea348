"""Vallado's verification vectors (SGP4-VER.TLE / tcppver.out, shipped in the sgp4 package)."""

from pathlib import Path

import numpy as np
import pytest
import sgp4
from groundlink_orbit import ElementSetError, parse_tle
from groundlink_orbit.propagation import propagate_teme

DATA = Path(sgp4.__file__).parent


def vallado_cases():
    tles = {}
    lines = [x for x in (DATA / "SGP4-VER.TLE").read_text().splitlines() if x and not x.startswith("#")]
    for l1, l2 in zip(lines[::2], lines[1::2], strict=True):
        tles[int(l1[2:7])] = (l1[:69], l2[:69])
    expected: dict[int, list[list[float]]] = {}
    current = None
    for row in (DATA / "tcppver.out").read_text().splitlines():
        parts = row.split()
        if len(parts) == 2 and parts[1] == "xx":
            current = int(parts[0])
            expected.setdefault(current, [])
        elif current is not None and len(parts) >= 7:
            expected[current].append([float(p) for p in parts[:7]])
    return tles, expected


TLES, EXPECTED = vallado_cases()


def test_every_vallado_case_is_checked():
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("satnum", sorted(EXPECTED))
def test_teme_state_matches_vallado(satnum):
    line1, line2 = TLES[satnum]
    try:
        es = parse_tle(line1, line2)
    except ElementSetError as exc:  # the deliberately broken cases must be rejected, not crash
        assert satnum in (33333, 33334, 33335), exc
        return
    rows = np.array(EXPECTED[satnum])
    times = es.epoch_unix_s + rows[:, 0] * 60.0
    err, r, v = propagate_teme([es.satrec()], times)
    ok = err[0] == 0
    # Two millimetres in position, 2 mm/s in velocity (times pass through Unix seconds).
    np.testing.assert_allclose(r[0][ok], rows[ok, 1:4], atol=2e-6 * max(1.0, np.abs(rows[:, 0]).max() / 1440))
    np.testing.assert_allclose(v[0][ok], rows[ok, 4:7], atol=2e-6)
    assert ok.mean() > 0.5


def test_sgp4_errors_are_reported_not_raised():
    # 33333 decays during Vallado's interval: error codes per time, NaN positions, no exception.
    from groundlink_orbit.elements import _checksum

    line1, line2 = (x[:68] + str(_checksum(x)) for x in TLES[33333])  # its checksum is deliberately off
    es = parse_tle(line1, line2)
    times = es.epoch_unix_s + np.arange(0, 3 * 86400, 600.0)
    err, r, _ = propagate_teme([es.satrec()], times)
    assert (err != 0).any() and np.isnan(r[0][err[0] != 0]).all()
