"""Bad sets whose mean anomaly alone is wrong (tens of kilometres along track; mean motion, plane and eccentricity
as good as the others'): the level series do not see them, and where two or three fall in one window of the
along-track phase they bent its line into a bend of 8 to 20 standard errors. A bend is kept only when it holds (at
3/4 of the z needed) with any one set of its windows left out (``along_track._without_any_one_set``). Development
seed 505 (not one of the benchmark's), 5 % such sets: over 80 histories, 14 false alarms without the check and 2
with it."""

import numpy as np
import pytest

import scripts.maneuvers.scenarios as scenarios
from scripts.maneuvers.benchmark import separable
from scripts.maneuvers.evaluate import in_window, matches
from shared.domain.jobs.analysis import along_track
from shared.domain.jobs.analysis.maneuvers import detect

TRACED = (9, 21, 26, 30, 41, 54, 62, 65, 67, 68, 74)  # histories whose false alarms were such bends (12 in all)


@pytest.fixture(scope="module")
def histories():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scenarios, "_corrupt", lambda rng, st, sig_a, sig_i: None)  # only the phase's 20 km error stays
        rng = np.random.default_rng(505)
        out = [scenarios.generate(rng, 90000 + k, outlier_rate=0.05) for k in range(max(TRACED) + 1)]
    chosen = [out[k] for k in TRACED]
    for sc in chosen:
        sc.burns, _ = separable(sc)
    return chosen


def _false_alarms(chosen):
    count = 0
    for sc in chosen:
        found = [m for m in detect(sc.sets, within=sc.window)[0] if in_window(sc, m.time_unix)]
        count += sum(b is None for _, b in matches(sc, found))
    return count


def test_bends_made_by_bad_phases_are_not_burns(histories, monkeypatch):
    assert sum(len(sc.outliers) for sc in histories) >= 20
    assert _false_alarms(histories) <= 1
    monkeypatch.setattr(along_track, "_without_any_one_set", lambda *args: True)
    assert _false_alarms(histories) >= 10
