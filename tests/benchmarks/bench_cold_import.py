"""Cold import of every HTTP function vs the bare framework import, in the same run.

Usage: python tests/benchmarks/bench_cold_import.py [N] [function ...]

For each run and each HTTP function (``FunctionSpec.routes``), a fresh interpreter imports
``functions.<name>.handler`` and another imports ``fastapi, mangum`` (the reference), interleaved so that the
machine's load weighs on both alike. Each child measures CPU time (``time.process_time``) and wall time of its
own work, interpreter start-up excluded, in three cumulative steps:

* ``import``: ``import functions.<name>.handler`` — the Lambda init phase's import of the handler;
* ``+app``: the function's FastAPI app built (routers, schemas, the services they reach) — what the first request
  needs before it can be routed: in AWS the SnapStart priming does it before the snapshot, without SnapStart the
  first request does;
* ``+primed``: the whole SnapStart priming (``shared.snapstart.prime``: the app, and PyJWT, the orbit core and
  boto3 for the functions whose requests load them).

Prints the medians, each step's ratio to the reference's CPU median, and the load average. Bytecode is cached
as in a deployment package that ships compiled modules: one untimed warm-up import of each module writes it.
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
STEPS = ("import", "+app", "+primed")
TIMER = "import time, json; c, w = time.process_time(), time.perf_counter(); out = []\n"
MARK = "out += [(time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000]\n"
CHILD_REFERENCE = TIMER + f"import {REFERENCE}\n" + MARK + "print(json.dumps(out))"
CHILD_FUNCTION = (TIMER + "import functions.{name}.handler as h\n" + MARK
                  + "import importlib, mangum; mangum.Mangum(importlib.import_module('functions.{name}.app').app)\n"
                  + MARK + "getattr(h.handler, 'prime', lambda: None)()\n" + MARK + "print(json.dumps(out))")


def child_env() -> dict[str, str]:
    """A Lambda-like environment: no AWS endpoint, no credentials, the SDK's tracing off."""
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith(("GROUNDLINK_", "AWS_", "POWERTOOLS_"))}
    env.update(POWERTOOLS_TRACE_DISABLED="true", AWS_DEFAULT_REGION="us-east-1", GROUNDLINK_ENVIRONMENT="aws",
               PYTHONPATH=os.pathsep.join((str(ROOT), str(ROOT / "layers" / "orbit"))))  # the layer's path
    return env


def run_child(code: str, env: dict[str, str]) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    return [float(x) for x in json.loads(out.strip().splitlines()[-1])]


def http_functions() -> list[str]:
    from shared.resources import FUNCTIONS

    return [spec.name for spec in FUNCTIONS if spec.routes]


def measure(names: list[str], runs: int) -> dict[str, list[list[float]]]:
    """Per key ("reference" or a function), one list of [cpu, wall, ...] per run."""
    env = child_env()
    codes = {"reference": CHILD_REFERENCE, **{name: CHILD_FUNCTION.format(name=name) for name in names}}
    for code in codes.values():  # writes the bytecode cache
        run_child(code, env)
    samples: dict[str, list[list[float]]] = {key: [] for key in codes}
    for _ in range(runs):
        for name in names:
            for key in ("reference", name):
                samples[key].append(run_child(codes[key], env))
    return samples


def medians(rows: list[list[float]]) -> list[float]:
    return [statistics.median(column) for column in zip(*rows, strict=True)]


def main() -> None:
    args = sys.argv[1:]
    runs = int(args.pop(0)) if args and args[0].isdigit() else 7
    names = args or http_functions()
    load = os.getloadavg()
    samples = measure(names, runs)
    ref_cpu, ref_wall = medians(samples["reference"])
    print(f"cold start of each HTTP function, median of {runs} fresh interpreters, interleaved with the reference "
          f"`import {REFERENCE}` ({len(samples['reference'])} samples); load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} at start, {os.getloadavg()[0]:.2f} at the end")
    print(f"  reference: import {REFERENCE}: {ref_cpu:.1f} ms CPU, {ref_wall:.1f} ms wall")
    print(f"  {'function':18s}" + "".join(f" {step + ' ms':>13s} {'x ref':>6s}" for step in STEPS)
          + "   (CPU; cumulative)")
    ratios: dict[str, list[float]] = {step: [] for step in STEPS}
    for name in names:
        values = medians(samples[name])
        cells = []
        for i, step in enumerate(STEPS):
            cpu = values[2 * i]
            ratios[step].append(cpu / ref_cpu)
            cells.append(f" {cpu:13.1f} {cpu / ref_cpu:6.2f}")
        print(f"  {name:18s}" + "".join(cells))
    for step in STEPS:
        print(f"  {step:8s} ratio: median {statistics.median(ratios[step]):.2f}, worst {max(ratios[step]):.2f}")


if __name__ == "__main__":
    main()
