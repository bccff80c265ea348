"""Realism checks of the fitted-element-set generator (fitted_scenarios.py): how its sets compare with the truth.

    PYTHONPATH=.:layers/orbit python -m scripts.maneuvers.fitted_checks [--seed 909] [--count 150]

Prints the fits' residual RMS per axis, each set's position error at its epoch against the integrated truth
(radial / along-track / cross-track, the along-track distribution signed), apart for clean fits, fits whose span
straddles a burn, fits whose span was shortened after a burn, and outlier sets; the LM iterations and
observations per fit; and the set-to-set scatter of the semi-major axis (from the mean motion) and inclination
between clean sets with no burn between them."""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from scripts.maneuvers.fitted_scenarios import FitCheck, fitted_scenarios
from scripts.maneuvers.scenarios import DAY

MU72 = 398600.8  # km³/s², SGP4's


def _pct(x: np.ndarray, qs: tuple[float, ...]) -> str:
    return " / ".join(f"{v:.0f}" for v in np.percentile(x, qs)) if len(x) else "-"


def _counts(values: list[int]) -> str:
    keys, counts = np.unique(values, return_counts=True)
    return ", ".join(f"{k}: {n}" for k, n in zip(keys.tolist(), counts.tolist(), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=909)
    ap.add_argument("--count", type=int, default=150)
    args = ap.parse_args()
    t0 = time.time()
    checks: list[FitCheck] = []
    histories = fitted_scenarios(args.seed, args.count, checks=checks)
    took = time.time() - t0
    groups = {
        "clean": [c for c in checks if not c.straddles and not c.outlier and not c.edited],
        "straddling a burn": [c for c in checks if c.straddles and not c.outlier],
        "span shortened after a burn, no longer straddling": [c for c in checks if c.edited and not c.straddles],
        "outlier": [c for c in checks if c.outlier],
    }
    print(f"fitted generator: {args.count} histories (seed {args.seed}), {len(checks)} sets, {took:.0f} s")
    for name, group in groups.items():
        if not group:
            continue
        rms = np.array([c.rms_m for c in group])
        err = np.array([c.error_rtn_m for c in group])
        norm = np.linalg.norm(err, axis=1)
        print(f"{name} ({len(group)} sets):")
        print(f"  residual RMS per axis m (p5 / median / p95): {_pct(rms, (5, 50, 95))}")
        print(f"  position error at epoch m (median / p95 / max): {_pct(norm, (50, 95, 100))}")
        print(
            "  |radial| / |along-track| / |cross-track| m (median; p95): "
            + " / ".join(f"{v:.0f}" for v in np.median(np.abs(err), axis=0))
            + "; "
            + " / ".join(f"{v:.0f}" for v in np.percentile(np.abs(err), 95, axis=0))
        )
        print(
            f"  along-track error m signed (p1 / p5 / p25 / p50 / p75 / p95 / p99): "
            f"{_pct(err[:, 1], (1, 5, 25, 50, 75, 95, 99))}"
        )
        print(
            f"  observations per fit (min / median / max): {_pct(np.array([c.n_obs for c in group]), (0, 50, 100))}; "
            f"LM iterations: {_counts([c.iterations for c in group])}"
        )
    da: list[float] = []
    di: list[float] = []
    for sc in histories:
        ours = {c.epoch_unix: c for c in checks if c.norad_id == sc.norad_id}
        prev = None
        for s in sc.sets:
            c = ours[s.epoch_unix_s]
            if c.straddles or c.outlier or c.edited:
                continue
            n = s.mean_motion_rev_per_day * 2 * math.pi / DAY
            a, i = (MU72 / n**2) ** (1 / 3), s.inclination_deg
            if prev is not None and not any(prev[0] < b.t_unix <= s.epoch_unix_s for b in sc.burns):
                da.append(abs(a - prev[1]) * 1000.0)
                di.append(abs(i - prev[2]))
            prev = (s.epoch_unix_s, a, i)
    print(
        f"set to set (clean, no burn between; drag decay included): |Δa| m median {np.median(da):.1f}, "
        f"p95 {np.percentile(da, 95):.1f}; |Δi| deg median {np.median(di):.5f}, p95 {np.percentile(di, 95):.5f}"
    )


if __name__ == "__main__":
    main()
