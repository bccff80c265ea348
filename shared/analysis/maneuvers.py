"""Maneuver detection from a satellite's element-set history (SSA ``/v1/manuaver/``).

For each pair of consecutive element sets (a, b) of one satellite:

* **SGP4 consistency** — set a is propagated to b's epoch and compared with b's own state there: the
  position error (m) and the velocity difference (its norm is ``sgp4_delta_v_mps``, the vector is
  ``dv_vector_kmps``). Without a maneuver the two fits agree to the element sets' own noise.
* **Mean-element steps** — semi-major axis from the mean motion (Kepler's third law) and inclination.
  Drag lowers *a* steadily, so the step is measured against the series' own trend (median rate of
  change of *a* between sets, times the gap): ``residual_a = Δa − trend·Δt``.
* **Δv estimates** — in-plane ``v·|residual_a|/(2a)`` (a tangential burn changes *a* by 2a·Δv/v) and
  plane change ``2·v·sin(|Δi|/2)``.

Methods (seed 002): ``sma`` flags pairs whose in-plane Δv lies in [mindv, maxdv]; ``inc`` the same for
the plane-change Δv; ``ml`` — a statistical detector: a robust z-score (median / MAD) of the in-plane and
plane-change Δv across the series, flagged above ``Z_THRESHOLD`` and within [mindv, maxdv]; its
``probability`` is ``1 − exp(−z²/2·…)`` squashed to (0, 1). It is not a trained model: it needs no
training data and says why it fired.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from groundlink_orbit import ElementSet
from groundlink_orbit.propagation import propagate_teme

MU_KM3_S2 = 398600.4418
Z_THRESHOLD = 4.0
METHODS = ("ml", "inc", "sma")


def semi_major_axis_km(mean_motion_rev_per_day: np.ndarray) -> np.ndarray:
    n = np.asarray(mean_motion_rev_per_day) * 2 * math.pi / 86400.0
    return (MU_KM3_S2 / n**2) ** (1.0 / 3.0)


@dataclass(frozen=True)
class Maneuver:
    before: ElementSet
    after: ElementSet
    maneuver_type: str  # "sma" (in-plane) or "inc" (plane change)
    delta_v_mps: float
    sgp4_delta_v_mps: float
    position_error_m: float
    dv_vector_kmps: tuple[float, float, float]
    probability: float


def _robust_z(x: np.ndarray) -> np.ndarray:
    med = np.median(x)
    mad = np.median(np.abs(x - med)) * 1.4826
    floor = max(mad, 1e-3 * max(abs(med), 1e-6), 1e-4)
    return (x - med) / floor


def detect(history: Sequence[ElementSet], *, method: str = "ml", mindv_mps: float = 0.01,
           maxdv_mps: float = 50.0) -> tuple[list[Maneuver], dict]:
    """Maneuvers between consecutive element sets of ONE satellite (chronological order is enforced),
    plus the time series used (epochs, a, i) for plotting."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    sets = sorted(history, key=lambda s: s.epoch_unix_s)
    sets = [s for i, s in enumerate(sets) if i == 0 or s.epoch_unix_s > sets[i - 1].epoch_unix_s]
    series = {
        "epochs": [s.epoch_utc.strftime("%Y-%m-%dT%H:%M:%SZ") for s in sets],
        "semi_major_axis_km": semi_major_axis_km([s.mean_motion_rev_per_day for s in sets]).round(4).tolist(),
        "inclination_deg": [round(s.inclination_deg, 5) for s in sets],
    }
    if len(sets) < 2:
        return [], series

    epochs = np.array([s.epoch_unix_s for s in sets])
    a = np.array(series["semi_major_axis_km"])
    inc = np.radians([s.inclination_deg for s in sets])
    dt = np.diff(epochs)
    da = np.diff(a)
    trend = float(np.median(da / dt))  # km/s, drag decay (robust to the few maneuvers)
    residual_a = da - trend * dt
    v = np.sqrt(MU_KM3_S2 / a[1:])  # km/s after
    dv_sma = np.abs(residual_a) * v / (2 * a[1:]) * 1000.0
    dv_inc = 2 * v * np.abs(np.sin(np.diff(inc) / 2)) * 1000.0

    # SGP4 consistency: each set propagated to the next one's epoch vs the next one's own state
    pos_err = np.empty(len(dt))
    dv_vec = np.empty((len(dt), 3))
    for k in range(len(dt)):  # one C call per pair of sets (histories are tens to hundreds of sets)
        t = np.array([epochs[k + 1]])
        _, r0, v0 = propagate_teme([sets[k].satrec()], t)
        _, r1, v1 = propagate_teme([sets[k + 1].satrec()], t)
        pos_err[k] = float(np.linalg.norm(r1[0, 0] - r0[0, 0]) * 1000.0)
        dv_vec[k] = v1[0, 0] - v0[0, 0]

    z_sma, z_inc = _robust_z(dv_sma), _robust_z(dv_inc)
    found = []
    for k in range(len(dt)):
        candidates = []
        if method in ("sma", "ml"):
            candidates.append(("sma", dv_sma[k], z_sma[k]))
        if method in ("inc", "ml"):
            candidates.append(("inc", dv_inc[k], z_inc[k]))
        for kind, dv, z in candidates:
            if not mindv_mps <= dv <= maxdv_mps:
                continue
            if method == "ml" and z < Z_THRESHOLD:
                continue
            prob = 1.0 - math.exp(-max(z, 0.0) ** 2 / (2 * Z_THRESHOLD**2) * 4.0)
            found.append(Maneuver(
                before=sets[k], after=sets[k + 1], maneuver_type=kind, delta_v_mps=float(dv),
                sgp4_delta_v_mps=float(np.linalg.norm(dv_vec[k]) * 1000.0), position_error_m=float(pos_err[k]),
                dv_vector_kmps=tuple(float(x) for x in dv_vec[k]), probability=round(min(prob, 0.999), 3),
            ))
            break  # one maneuver per pair: the first (in-plane) explanation that fires
    return found, series
