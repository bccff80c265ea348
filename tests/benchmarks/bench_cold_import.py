"""Cold import of every HTTP function vs the bare framework import, in the same run.

Usage: python tests/benchmarks/bench_cold_import.py [N] [function ...]

For each run and each HTTP function (``FunctionSpec.routes``), a fresh interpreter imports
``functions.<name>.handler`` and another imports ``fastapi, mangum`` (the reference), interleaved so that the
machine's load weighs on both alike. Each child measures the CPU time (``time.process_time``) and the wall time
of its import alone (interpreter start-up excluded). Prints the medians and the ratio function / reference, and
the machine's load (``os.getloadavg``). Bytecode is cached as in a deployment package that ships compiled
modules: one untimed warm-up import of each module writes the cache first.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

REFERENCE = "fastapi, mangum"
CHILD = (
    "import time; c = time.process_time(); w = time.perf_counter(); import {module}; "
    "print(__import__('json').dumps([(time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000]))"
)


def child_env() -> dict[str, str]:
    """A Lambda-like environment: no AWS endpoint, no credentials, the SDK's tracing off."""
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith(("GROUNDLINK_", "AWS_", "POWERTOOLS_"))}
    env.update(POWERTOOLS_TRACE_DISABLED="true", AWS_DEFAULT_REGION="us-east-1", GROUNDLINK_ENVIRONMENT="aws",
               PYTHONPATH=os.pathsep.join((str(ROOT), str(ROOT / "layers" / "orbit"))))  # the layer's path
    return env


def import_once(module: str, env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD.format(module=module)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    cpu, wall = json.loads(out.strip().splitlines()[-1])
    return float(cpu), float(wall)


def http_functions() -> list[str]:
    from shared.resources import FUNCTIONS

    return [spec.name for spec in FUNCTIONS if spec.routes]


def measure(names: list[str], runs: int) -> dict[str, dict[str, list[float]]]:
    env = child_env()
    modules = {name: f"functions.{name}.handler" for name in names}
    for module in (REFERENCE, *modules.values()):  # writes the bytecode cache
        import_once(module, env)
    samples: dict[str, dict[str, list[float]]] = {
        key: {"cpu": [], "wall": []} for key in ("reference", *names)}
    for _ in range(runs):
        for name, module in modules.items():
            for key, mod in (("reference", REFERENCE), (name, module)):
                cpu, wall = import_once(mod, env)
                samples[key]["cpu"].append(cpu)
                samples[key]["wall"].append(wall)
    return samples


def report(samples: dict[str, dict[str, list[float]]]) -> list[tuple[str, float, float, float]]:
    """(function, CPU median ms, wall median ms, CPU ratio to the reference), the reference first."""
    ref_cpu = statistics.median(samples["reference"]["cpu"])
    rows = []
    for key, values in samples.items():
        cpu, wall = statistics.median(values["cpu"]), statistics.median(values["wall"])
        rows.append((key, cpu, wall, cpu / ref_cpu))
    return rows


def main() -> None:
    args = sys.argv[1:]
    runs = int(args.pop(0)) if args and args[0].isdigit() else 7
    names = args or http_functions()
    load = os.getloadavg()
    samples = measure(names, runs)
    rows = report(samples)
    print(f"cold import, median of {runs} fresh interpreters each, interleaved with the reference "
          f"`import {REFERENCE}` ({len(samples['reference']['cpu'])} samples); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")
    print(f"  {'module':38s} {'CPU ms':>8s} {'wall ms':>8s} {'x ref (CPU)':>12s}")
    for key, cpu, wall, ratio in rows:
        label = f"import {REFERENCE}" if key == "reference" else f"functions.{key}.handler"
        print(f"  {label:38s} {cpu:8.1f} {wall:8.1f} {ratio:12.2f}")
    worst = max(rows[1:], key=lambda row: row[3])
    print(f"worst: {worst[0]} {worst[3]:.2f}x the reference; median ratio "
          f"{statistics.median(row[3] for row in rows[1:]):.2f}x")


if __name__ == "__main__":
    main()
