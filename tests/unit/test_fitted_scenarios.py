"""The fitted-element-set generator (scripts/maneuvers/fitted_scenarios.py): its gravity is the gradient of the
zonal potential, its fitted sets sit on the integrated truth, and a known burn shows in the sets as the
physics says (Gauss's equations, near circular): Δa = 2·a·Δv_T/v in-plane, Δi = Δv_N·cos u/v for a plane
change."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from scripts.maneuvers.fitted_scenarios import MU, RE, FitCheck, J, acceleration, fitted_scenarios
from scripts.maneuvers.scenarios import DAY, Scenario

MU72 = 398600.8  # km³/s², SGP4's
SMA_DAY, SMA_DV = 1.5, 3.0  # days into the window, m/s along track
INC_DAY, INC_DV = 5.0, 4.0  # m/s normal


@pytest.fixture(scope="module")
def history() -> tuple[list[Scenario], list[FitCheck]]:
    checks: list[FitCheck] = []
    scs = fitted_scenarios(
        4,
        3,
        days=8.0,
        margin_days=1.0,
        outlier_rate=0.0,
        cadence=(2.0, 3.0),
        altitude_km=(450.0, 900.0),
        burns_at=[(SMA_DAY, "sma", SMA_DV), (INC_DAY, "inc", INC_DV)],
        checks=checks,
    )
    return scs, checks


def _potential(p: np.ndarray) -> float:
    r = float(np.linalg.norm(p))
    s, q = p[2] / r, RE / r
    legendre = {2: 1.5 * s * s - 0.5, 3: (5 * s**3 - 3 * s) / 2, 4: (35 * s**4 - 30 * s * s + 3) / 8}
    return MU / r * (1 - sum(J[n] * q**n * legendre[n] for n in legendre))


def test_gravity_is_the_gradient_of_the_zonal_potential():
    for p in (np.array([5000.0, 3000.0, 4000.0]), np.array([100.0, -6800.0, -1500.0])):
        h = 1e-3  # km
        grad = np.array([(_potential(p + h * e) - _potential(p - h * e)) / (2 * h) for e in np.eye(3)])
        acc = acceleration(p[:, None], np.zeros((3, 1)), np.zeros(1))[:, 0]
        # J3 and J4 are ~2e-6 of the point mass: a 1e-8 agreement checks them to about 0.5 %
        assert np.linalg.norm(acc - grad) < 1e-8 * np.linalg.norm(grad)


def test_the_fitted_sets_sit_on_the_truth_at_their_epoch(history):
    scs, checks = history
    assert sum(len(sc.sets) for sc in scs) == len(checks)
    clean = [c for c in checks if not c.straddles and not c.edited]
    assert len(clean) > 40
    errors = np.array([c.error_m for c in clean])
    assert np.median(errors) < 300.0 and errors.max() < 1000.0  # m: SGP4 to the integrated orbit at the epoch
    rms = np.array([c.rms_m for c in clean])
    assert np.all((rms > 30.0) & (rms < 500.0))  # m per axis: the observations' 50-300 m noise, pass biases
    assert any(c.straddles for c in checks)  # fits across a burn are kept, as a catalogue's are


def _series(sc: Scenario, checks: list[FitCheck]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    ours = [c for c in checks if c.norad_id == sc.norad_id]
    epochs = np.array([s.epoch_unix_s for s in sc.sets])
    n = np.array([s.mean_motion_rev_per_day for s in sc.sets]) * 2 * math.pi / DAY  # rad/s
    return (
        epochs,
        np.array([c.span_start_unix for c in ours]),
        (MU72 / n**2) ** (1 / 3),
        np.array([s.inclination_deg for s in sc.sets]),
    )


def test_an_in_plane_burn_steps_the_semi_major_axis_by_two_a_dv_over_v(history):
    scs, checks = history
    for sc in scs:
        burn = next(b for b in sc.burns if b.kind == "sma")
        nxt = next(b for b in sc.burns if b.kind == "inc")
        epochs, span_start, a, _ = _series(sc, checks)
        before = epochs < burn.t_unix  # fitted to observations before the burn alone
        after = (span_start > burn.t_unix) & (epochs < nxt.t_unix)
        assert before.sum() >= 3 and after.sum() >= 3
        days = (epochs - burn.t_unix) / DAY
        fit_before, fit_after = np.polyfit(days[before], a[before], 1), np.polyfit(days[after], a[after], 1)
        step = fit_after[1] - fit_before[1]  # km, both lines at the burn (drag decay taken out)
        v = math.sqrt(MU72 / fit_before[1])
        expected = 2 * fit_before[1] * burn.dv_rtn_mps[1] / 1000.0 / v
        assert step == pytest.approx(expected, rel=0.15)


def test_a_plane_change_steps_the_inclination_by_dv_cos_u_over_v(history):
    scs, checks = history
    for sc in scs:
        burn = next(b for b in sc.burns if b.kind == "inc")
        epochs, span_start, a, inc = _series(sc, checks)
        before = (epochs < burn.t_unix) & (span_start > burn.t_unix - 3.0 * DAY)
        after = span_start > burn.t_unix
        assert before.sum() >= 2 and after.sum() >= 2
        last = sc.sets[int(np.flatnonzero(before)[-1])]
        sat = Satrec.twoline2rv(last.line1, last.line2, WGS72)
        jd = burn.t_unix / DAY + 2440587.5
        _, r, v = sat.sgp4(math.floor(jd), jd - math.floor(jd))
        r, v = np.array(r), np.array(v)
        h = np.cross(r, v)
        node = np.cross([0.0, 0.0, 1.0], h)
        node /= np.linalg.norm(node)
        u = math.atan2(r @ np.cross(h / np.linalg.norm(h), node), r @ node)  # argument of latitude at the burn
        expected = math.degrees(burn.dv_rtn_mps[2] / 1000.0 * math.cos(u) / np.linalg.norm(v))
        step = inc[after].mean() - inc[before].mean()
        assert step == pytest.approx(expected, rel=0.15, abs=0.002)  # deg; sets scatter ~0.0005 deg
