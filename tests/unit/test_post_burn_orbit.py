"""The after-orbit under the impulsive-burn model, and the closest approach of the two orbits built at the burn."""

import math

import numpy as np
import pytest

from scripts.maneuvers.scenarios import generate
from shared.domain.jobs.analysis.maneuvers import detect
from shared.domain.jobs.analysis.post_burn_orbit import ELevels, model_e_step


def test_the_model_step_has_the_semi_major_axis_size_along_the_measured_step():
    levels = ELevels(before=(1.0e-3, 0.0), after=(1.0e-3 + 3e-5, 4e-5), slope=(0.0, 0.0), rate=0.0, t_gap=0.0)
    for da_over_a in (2e-5, -2e-5):  # a lowering burn half a revolution on: the same step
        step = model_e_step(levels, 0.0, da_over_a)
        assert step == pytest.approx((1.2e-5, 1.6e-5), rel=1e-9)
    # a turning frame: the measured step turns with it, the model step too, with the same size
    turning = ELevels(before=(1.0e-3, 0.0), after=(1.0e-3 + 3e-5, 4e-5), slope=(0.0, 0.0), rate=1e-5, t_gap=0.0)
    step = model_e_step(turning, 3600.0, 2e-5)
    assert math.hypot(*step) == pytest.approx(2e-5, rel=1e-9)
    assert math.atan2(step[1], step[0]) == pytest.approx(math.atan2(4, 3) + 0.036, abs=1e-9)


def test_small_in_plane_burns_closest_approach_agrees_with_delta_v():
    """0.3-0.5 m/s burns, where the measured eccentricity step is mostly noise: the closest approach of the
    two orbits (the after-orbit's the burn model's) gives the Δv of the semi-major axis step, along-track, with
    the orbits touching at the burn."""
    checked = 0
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        sc = generate(rng, 90001, burns_at=[(12.0, "sma", 0.3 + 0.04 * seed)], outlier_rate=0.0)
        found, _ = detect(sc.sets, method="sma", within=sc.window)
        for m in found:
            if abs(m.time_unix - sc.burns[0].t_unix) > 86400:
                continue
            checked += 1
            assert m.sgp4_delta_v_mps == pytest.approx(m.delta_v_mps, rel=0.03), seed
            assert abs(m.dv_rtn_mps[1]) > 0.99 * m.sgp4_delta_v_mps, seed
            assert m.position_error_m < 300, seed
    assert checked >= 4
