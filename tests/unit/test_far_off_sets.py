"""Sets far off the orbit (a cross-tagged object, a failed fit: tens of kilometres in the semi-major axis, tenths
of a degree in the plane) in a history with no burns: each is set aside and nothing is reported.

The RAAN series subtracts SGP4's secular node drift integrated set to set. Taken from each set's own node rate,
a bad set's rate (its semi-major axis and inclination far off) entered the integral and stepped every later RAAN:
a plane change at each bad set. The rate integrated is the running median over five sets
(``level_shifts._running_median``)."""

import math

import numpy as np
import pytest

import scripts.maneuvers.scenarios as scenarios
from shared.domain.jobs.analysis import level_shifts
from tests.support.maneuver_runs import learned_in_window


def _far_off(rng, st, sig_a, sig_i):
    st.a += rng.choice([-1, 1]) * rng.uniform(10.0, 50.0)
    st.i += rng.choice([-1, 1]) * math.radians(rng.uniform(0.2, 1.0))
    st.raan += rng.choice([-1, 1]) * math.radians(rng.uniform(0.2, 1.0))


@pytest.fixture(scope="module")
def quiet_histories():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scenarios, "_corrupt", _far_off)
        rng = np.random.default_rng(2718)
        return [scenarios.generate(rng, 91000 + k, burn_rate=0.0, outlier_rate=0.06) for k in range(6)]


def test_far_off_sets_in_a_quiet_history_are_not_burns(quiet_histories, monkeypatch):
    histories = [sc for sc in quiet_histories if sc.outliers]
    assert len(histories) >= 4 and not any(sc.burns for sc in histories)
    assert sum(len(sc.outliers) for sc in histories) >= 10
    assert [learned_in_window(sc) for sc in histories] == [[] for _ in histories]
    monkeypatch.setattr(level_shifts, "_running_median", lambda x, rows=5: x)
    without = [c for sc in histories for c in learned_in_window(sc)]
    assert len(without) >= 8  # 10 plane changes, one or more in every history
    assert all(c.maneuver_type == "inc" for c in without)
