"""The agent's tracking: Doppler from the range rate, and how a mount with given limits follows a pass."""

from __future__ import annotations

import time

import numpy as np
import pytest

from shared.station_agent.config import RotatorLimits
from shared.station_agent.contact import separation_deg
from shared.station_agent.tracking import Track, compute_track, downlink_hz, plan_mount, uplink_hz
from tests.support.station_pass import AO73, ESRANGE, synthetic_pass


def test_doppler_receding_is_heard_lower_and_uplink_precompensated():
    assert downlink_hz(145_935_000, 7.0) == pytest.approx(145_935_000 * (1 - 7.0 / 299_792.458))
    assert 145_935_000 - downlink_hz(145_935_000, 7.0) == pytest.approx(3407.5, abs=0.5)
    assert downlink_hz(145_935_000, -7.0) > 145_935_000
    assert uplink_hz(435_000_000, 7.0) > 435_000_000  # the satellite, receding, hears it lower: send higher


def _fly_plan(track: Track, limits: RotatorLimits) -> tuple[str, np.ndarray, np.ndarray, list[float]]:
    plan = plan_mount(track, limits)
    az_cmd, el_cmd, seps, prev = [], [], [], None
    for t in track.times:
        az, el, _ = track.at(t)
        if el < limits.el_min:
            continue
        a, e = plan.command(az, el, prev, limits)
        prev = a
        az_cmd.append(a)
        el_cmd.append(e)
        seps.append(separation_deg(a, e, az, el))
    return plan.mode, np.array(az_cmd), np.array(el_cmd), seps


def _track(az: list[float], el: list[float]) -> Track:
    n = len(az)
    return Track(np.arange(n, dtype=float), np.array(az, dtype=float) % 360, np.array(el, dtype=float),
                 np.zeros(n))


NORTH_CROSSING = _track(list(np.linspace(300, 420, 121)), list(40 * np.sin(np.linspace(0, np.pi, 121))))


def test_a_pass_crossing_north_fits_a_450_degree_mount_unwrapped():
    mode, az, el, seps = _fly_plan(NORTH_CROSSING, RotatorLimits(az_min=0, az_max=450, el_max=90))
    assert mode == "normal"
    assert az[0] == pytest.approx(300) and az[-1] == pytest.approx(420) and np.all(np.diff(az) > 0)
    assert max(seps) < 1e-5


def test_a_pass_crossing_the_azimuth_limit_is_flipped_on_a_180_degree_elevation_mount():
    mode, az, el, seps = _fly_plan(NORTH_CROSSING, RotatorLimits(az_min=0, az_max=360, el_max=180))
    assert mode == "flip"
    assert az.min() >= 0 and az.max() <= 360 and el.max() > 90  # 120..240 over the top
    assert max(seps) < 1e-5  # the same look direction, pointed from the other side


def test_without_flip_the_pass_is_clamped_and_counted():
    plan = plan_mount(NORTH_CROSSING, RotatorLimits(az_min=0, az_max=360, el_max=90))
    assert plan.mode == "clamped" and plan.clamped_samples > 0
    mode, az, el, seps = _fly_plan(NORTH_CROSSING, RotatorLimits(az_min=0, az_max=360, el_max=90))
    assert az.min() >= 0 and az.max() <= 360 and max(seps) > 5  # off target where clamped


def test_a_zenith_pass_is_flown_over_the_top_without_an_azimuth_swing():
    now = time.time()
    l1, l2, rise, end = synthetic_pass(*AO73, *ESRANGE, rise_in_s=60, now=now)
    track = compute_track(l1, l2, *ESRANGE, rise, end)
    assert track.el_deg.max() > 85  # through the zenith
    sky_az = np.degrees(np.unwrap(np.radians(track.az_deg)))
    assert np.abs(np.diff(sky_az)).max() > 20  # the sky's azimuth swings fast under the zenith…
    mode, az, el, seps = _fly_plan(track, RotatorLimits(az_min=0, az_max=450, el_max=180))
    assert mode == "over-the-top"
    assert np.abs(np.diff(az)).max() < 10 and el.max() > 150  # …the mount's does not: elevation runs past 90
    assert max(seps) < 1.0  # exact outside the keyhole; inside it, the held azimuth costs under a degree
    mode90, az90, _, seps90 = _fly_plan(track, RotatorLimits(az_min=0, az_max=450, el_max=90))
    assert mode90 == "normal" and max(seps90) < 0.5 and np.abs(np.diff(az90)).max() > 20
