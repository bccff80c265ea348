"""Maneuver-detection benchmark on generated histories the model never saw.

    PYTHONPATH=.:layers/orbit python -m scripts.maneuvers.benchmark [--count 300] [--seed 303] [--method ml]
        [--noise 1.0] [--drag 1.0] [--cadence 1 3] [--generator mean|fitted]

Prints precision / recall / F1 by burn type and Δv band, Δv and time errors, how far ``sgp4_delta_v_mps``
is from ``delta_v``, false alarms per satellite-month (and how many sat at the window's edges or next to an
outlier set) and the reliability table of ``probability`` with its Brier score. ``--generator fitted`` scores the
histories of fitted_scenarios.py (an integrated truth, SGP4 sets fitted to simulated observations) instead of
scenarios.py's mean-element ones (``--noise`` and ``--drag`` are then not used). Two burns with no element
set between them cannot be told apart: they are one burn of the truth (``separable``; counted apart)."""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import defaultdict

import numpy as np

from scripts.maneuvers.evaluate import Tally, in_window, matches
from scripts.maneuvers.fitted_scenarios import fitted_scenarios
from scripts.maneuvers.scenarios import DAY, Burn, Scenario, scenarios
from scripts.maneuvers.train_model import reliability
from shared.domain.jobs.analysis.maneuvers import detect

BANDS = {"sma": (0.0, 0.2, 1.0, 5.0, 1e9), "inc": (0.0, 1.0, 3.0, 1e9)}


def band(kind: str, dv: float) -> str:
    e = BANDS[kind]
    for lo, hi in zip(e[:-1], e[1:], strict=True):
        if lo <= dv < hi:
            return f"{lo:g}-{hi:g} m/s" if hi < 1e8 else f">= {lo:g} m/s"
    return "?"


def goal(b: Burn) -> bool:
    return b.dv_mps >= (0.2 if b.kind == "sma" else 1.0)


def separable(sc: Scenario) -> tuple[list[Burn], int]:
    """The burns the element sets can tell apart, and how many were merged into another. Two burns with no set
    between them show as one step: two in-plane burns as one of their summed Δv vector (their along-track parts
    add in the semi-major axis, to first order, whatever their times: what any set after them shows), at the
    larger one's time; any other pair as the larger alone (the cross-track parts add by where in the orbit each
    was made, which the truth does not keep)."""
    epochs = np.array([s.epoch_unix_s for s in sc.sets])
    kept: list[Burn] = []
    merged = 0
    for b in sorted(sc.burns, key=lambda b: b.t_unix):
        if kept and not np.any((epochs > kept[-1].t_unix) & (epochs < b.t_unix)):
            merged += 1
            kept[-1] = combined(kept[-1], b)
            continue
        kept.append(b)
    return kept, merged


def combined(first: Burn, second: Burn) -> Burn:
    larger = second if second.dv_mps > first.dv_mps else first
    if first.kind != "sma" or second.kind != "sma":
        return larger
    (r1, t1, n1), (r2, t2, n2) = first.dv_rtn_mps, second.dv_rtn_mps
    rtn = (r1 + r2, t1 + t2, n1 + n2)
    return Burn(larger.t_unix, "sma", math.hypot(*rtn), rtn)


def pct(x: list[float], q: float) -> float:
    return float(np.percentile(x, q)) if x else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=303)
    ap.add_argument("--method", default="ml", choices=("ml", "sma", "inc"))
    ap.add_argument("--noise", type=float, default=1.0, help="scale of the fits' noise (training: 1)")
    ap.add_argument("--drag", type=float, default=1.0, help="scale of the drag decay (training: 1)")
    ap.add_argument("--cadence", type=float, nargs=2, default=(1.0, 3.0), help="sets a day, min max (training: 1 3)")
    ap.add_argument("--generator", default="mean", choices=("mean", "fitted"),
                    help="mean: scenarios.py (mean elements plus noise, what the model was trained on); fitted: "
                    "fitted_scenarios.py (sets fitted to observations of an integrated orbit)")
    args = ap.parse_args()
    t0 = time.time()
    load_start = os.getloadavg()[0]
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    goal_tally = {"sma": Tally(), "inc": Tally()}
    dv_err: dict[str, list[float]] = defaultdict(list)
    t_err: dict[str, list[float]] = defaultdict(list)
    sgp4_err: list[float] = []
    sgp4_truth: list[float] = []
    sgp4_band: dict[str, list[float]] = defaultdict(list)
    miss: list[float] = []
    probs: list[float] = []
    real: list[float] = []
    false_alarms = edge_fa = outlier_fa = merged_total = 0
    if args.generator == "fitted":
        generator: dict[str, object] = {"cadence": tuple(args.cadence)}
        histories = fitted_scenarios(args.seed, args.count, **generator)  # type: ignore[arg-type]
    else:
        generator = {"noise": args.noise, "drag": args.drag, "cadence": tuple(args.cadence)}
        histories = scenarios(args.seed, args.count, **generator)
    for sc in histories:
        sc.burns, merged = separable(sc)
        merged_total += merged
        found, _ = detect(sc.sets, method=args.method, within=sc.window)
        found = [m for m in found if in_window(sc, m.time_unix)]
        pairs = matches(sc, found)
        hit = {id(b) for _, b in pairs if b is not None}
        for b in sc.burns:
            if args.method != "ml" and b.kind != args.method:
                continue
            key = (b.kind, band(b.kind, b.dv_mps))
            if id(b) in hit:
                tallies[key].tp += 1
            else:
                tallies[key].fn += 1
            if goal(b):
                if id(b) in hit:
                    goal_tally[b.kind].tp += 1
                else:
                    goal_tally[b.kind].fn += 1
        for m, b in pairs:
            probs.append(m.probability)
            real.append(1.0 if b is not None else 0.0)
            if b is None:
                false_alarms += 1
                tallies[(m.maneuver_type, "false alarms")].fp += 1
                goal_tally[m.maneuver_type].fp += 1
                if min(abs(m.time_unix - sc.window[0]), abs(m.time_unix - sc.window[1])) < DAY:
                    edge_fa += 1
                if any(abs(m.time_unix - o) < DAY for o in sc.outliers):
                    outlier_fa += 1
                continue
            dv_err[b.kind].append(abs(m.delta_v_mps - b.dv_mps) / b.dv_mps)
            if goal(b):
                dv_err[f"{b.kind} goal"].append(dv_err[b.kind][-1])
            t_err[b.kind].append(abs(m.time_unix - b.t_unix) / 3600.0)
            sgp4_err.append(abs(m.sgp4_delta_v_mps - m.delta_v_mps) / max(m.delta_v_mps, 1e-6))
            sgp4_band[f"{b.kind} {band(b.kind, b.dv_mps)}"].append(sgp4_err[-1])
            sgp4_truth.append(abs(m.sgp4_delta_v_mps - b.dv_mps) / b.dv_mps)
            miss.append(m.position_error_m)
    print(f"maneuver benchmark: method {args.method}, {args.count} generated 30-day histories (seed {args.seed}, "
          f"generator {args.generator} {generator}), "
          f"{time.time() - t0:.0f} s at a load average of {load_start:.1f} -> {os.getloadavg()[0]:.1f}; "
          f"{merged_total} burns with no element set between them and another merged into it")
    print("recall by type and Δv band (false alarms by detected type):")
    for (kind, name), tally in sorted(tallies.items()):
        print(f"  {kind:3s} {name:14s} {tally.line()}")
    print("goal population (in-plane >= 0.2 m/s, plane change >= 1 m/s; false alarms by detected type):")
    for kind, tally in goal_tally.items():
        print(f"  {kind:3s} {tally.line()}")
    for kind in ("sma", "inc"):
        if dv_err[kind]:
            print(f"  {kind}: Δv relative error median {pct(dv_err[kind], 50):.3f}, p95 {pct(dv_err[kind], 95):.3f}; "
                  f"time error median {pct(t_err[kind], 50):.2f} h, p95 {pct(t_err[kind], 95):.2f} h; goal population "
                  f"({len(dv_err[kind + ' goal'])}) Δv relative error median {pct(dv_err[kind + ' goal'], 50):.3f}, "
                  f"p95 {pct(dv_err[kind + ' goal'], 95):.3f}")
    both_dv = dv_err["sma"] + dv_err["inc"]
    both_t = t_err["sma"] + t_err["inc"]
    print(f"  all detected burns: Δv relative error median {pct(both_dv, 50):.3f}, p95 {pct(both_dv, 95):.3f}; time "
          f"error median {pct(both_t, 50):.2f} h, p95 {pct(both_t, 95):.2f} h ({len(both_t)} burns)")
    print(f"  sgp4_delta_v_mps vs delta_v: median relative difference {pct(sgp4_err, 50):.3f}, p95 "
          f"{pct(sgp4_err, 95):.3f}; position_error_m (miss distance) median {pct(miss, 50):.0f} m, p95 "
          f"{pct(miss, 95):.0f} m")
    print("  sgp4_delta_v_mps vs delta_v by true type and band: " + "; ".join(
        f"{name} {pct(v, 50):.3f} / {pct(v, 95):.3f} ({len(v)})" for name, v in sorted(sgp4_band.items())))
    print(f"  sgp4_delta_v_mps vs the true Δv: median relative error {pct(sgp4_truth, 50):.3f}, p95 "
          f"{pct(sgp4_truth, 95):.3f}")
    print(f"false alarms: {false_alarms} in {args.count} satellite-months = {false_alarms / args.count:.3f} per "
          f"satellite-month ({edge_fa} within a day of a window edge, {outlier_fa} within a day of an outlier set)")
    print("reliability of the reported probability (detections):")
    print(reliability(np.array(probs), np.array(real)))


if __name__ == "__main__":
    main()
