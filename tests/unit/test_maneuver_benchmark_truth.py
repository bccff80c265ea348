"""The maneuver benchmark's truth: burns the element sets cannot tell apart (no set between them) are scored as
what the sets show — two in-plane burns as one of their summed Δv, any other pair as the larger alone."""

from __future__ import annotations

import pytest

from scripts.maneuvers.benchmark import separable
from scripts.maneuvers.scenarios import DAY, Burn, Scenario


class _Set:
    def __init__(self, t: float) -> None:
        self.epoch_unix_s = t


def _scenario(burns: list[Burn], set_days: list[float]) -> Scenario:
    return Scenario(90000, [_Set(d * DAY) for d in set_days], burns, (0.0, 30 * DAY))  # type: ignore[misc]


def test_two_in_plane_burns_with_no_set_between_are_one_burn_of_their_summed_delta_v():
    first = Burn(10.0 * DAY, "sma", 1.2, (0.0, 1.2, 0.0))
    trim = Burn(10.3 * DAY, "sma", 0.5, (0.0, -0.5, 0.0))  # a trim back, before the next set
    kept, merged = separable(_scenario([trim, first], [9.0, 9.5, 11.0, 11.5]))
    assert merged == 1 and len(kept) == 1
    assert kept[0].kind == "sma" and kept[0].t_unix == first.t_unix
    assert kept[0].dv_mps == pytest.approx(0.7) and kept[0].dv_rtn_mps == pytest.approx((0.0, 0.7, 0.0))


def test_a_set_between_keeps_them_apart_and_other_pairs_keep_the_larger():
    a = Burn(10.0 * DAY, "sma", 1.2, (0.0, 1.2, 0.0))
    b = Burn(10.6 * DAY, "sma", 0.4, (0.0, 0.4, 0.0))
    kept, merged = separable(_scenario([a, b], [9.0, 10.3, 11.0]))
    assert (merged, kept) == (0, [a, b])
    plane = Burn(10.2 * DAY, "inc", 2.0, (0.0, 0.0, 2.0))
    kept, merged = separable(_scenario([a, plane], [9.0, 11.0]))
    assert (merged, kept) == (1, [plane])
