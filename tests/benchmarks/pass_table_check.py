"""Identical-table check for pass-finder refactors: save the benchmark's pass tables, compare later.

    python tests/benchmarks/pass_table_check.py save /tmp/passes_baseline.npz   # before a change
    python tests/benchmarks/pass_table_check.py compare /tmp/passes_baseline.npz  # after it

Computes the 100 satellites × 10 stations × 7 days table exactly as ``bench_orbit.py`` does (plus its
1 × 10 × 7 and 1000 × 1 × 1 cases and two access-window requests) and compares every array with
``np.array_equal`` (NaN equal to NaN): a refactor that claims not to change results must be
bit-identical here.  Exit status 1 on any difference, with the largest deviation of each array.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_orbit as bench  # noqa: E402
import groundlink_orbit as go  # noqa: E402

PASS_FIELDS = (
    "sat_index", "station_index", "rise_unix_s", "set_unix_s", "culmination_unix_s", "rise_azimuth_deg",
    "set_azimuth_deg", "max_elevation_deg", "slant_range_km", "starts_before_window", "ends_after_window",
    "sunlit", "doppler_rise_hz", "doppler_set_hz", "sat_error_code", "sat_error_unix_s",
)  # fmt: skip
ACCESS_FIELDS = ("sat_index", "point_index", "start_unix_s", "end_unix_s", "starts_before_window", "ends_after_window")


def tables() -> dict[str, np.ndarray]:
    """Every array of the benchmark's pass tables (keys ``case/field``)."""
    real = bench.real_sets()
    lat, lon, alt = (np.array([s[i] for s in bench.STATIONS]) for i in range(3))
    out: dict[str, np.ndarray] = {}
    cases = {
        "100x10x7": (real[:100], slice(None), 7.0, None),
        "1x10x7": (real[:1], slice(None), 7.0, 437.1e6),
        "1000x1x1": (bench.replicate(real, 1000), slice(0, 1), 1.0, None),
    }
    for name, (sets, rows, days, carrier) in cases.items():
        table = go.find_passes(
            sets, lat[rows], lon[rows], alt[rows], bench.START, bench.START + days * 86400.0, bench.MASK_DEG, carrier
        )
        for key in PASS_FIELDS:
            value = getattr(table, key)
            if value is not None:
                out[f"{name}/{key}"] = np.asarray(value)
        out[f"{name}/ut1_extrapolated"] = np.asarray(table.ut1_extrapolated)
        out[f"{name}/track0"] = np.concatenate(table.track(0, 30.0))
    for name, (lo, hi) in {"access_5": (5.0, 90.0), "access_5_60": (5.0, 60.0)}.items():
        access = go.access_windows(real[:20], lat, lon, bench.START, bench.START + 86400.0, lo, hi)
        for key in ACCESS_FIELDS:
            out[f"{name}/{key}"] = np.asarray(getattr(access, key))
        out[f"{name}/track0"] = np.concatenate(access.track(0))
    return out


def compare(baseline: dict[str, np.ndarray], current: dict[str, np.ndarray]) -> list[str]:
    problems = [f"{key}: missing" for key in sorted(set(baseline) ^ set(current))]
    for key in sorted(set(baseline) & set(current)):
        a, b = baseline[key], current[key]
        if a.shape != b.shape or a.dtype != b.dtype:
            problems.append(f"{key}: shape/dtype {a.shape} {a.dtype} -> {b.shape} {b.dtype}")
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
            worst = np.nanmax(np.abs(a.astype(float) - b.astype(float)))
            problems.append(f"{key}: {np.sum(a != b)} values differ, largest by {worst:.3g}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    current = tables()
    if args.action == "save":
        np.savez(args.path, **current)
        print(f"saved {len(current)} arrays ({len(current['100x10x7/rise_unix_s'])} passes in 100x10x7) to {args.path}")
        return 0
    with np.load(args.path) as saved:
        baseline = {key: saved[key] for key in saved.files}
    problems = compare(baseline, current)
    for line in problems:
        print(line)
    print(f"{len(baseline)} arrays compared: {'IDENTICAL' if not problems else f'{len(problems)} DIFFER'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
