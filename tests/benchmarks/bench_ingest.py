"""Bulk ingestion benchmark: the whole sky (about 30,000 objects, CelesTrak's full GP catalogue) into the local
runtime, then the same file again, then a refresh of every object with a newer epoch.

Usage: python tests/benchmarks/bench_ingest.py [N]   (N objects, default 30000)

Generates a realistic 3LE file of N objects from the demo element sets (each demo set is copied with its own
NORAD id, COSPAR id, epoch and slightly moved RAAN / mean anomaly; checksums recomputed), starts the local
runtime as ``make run`` does (``python -m infra.local``: moto server + demo data), runs ``groundlink
import-tle`` four times (N/4 first, to show how the time grows with N; then N, the same N again, and N with
epochs a day newer) and prints each run's wall time and outcome, the peak RSS of the runtime process (moto server
included) and of each CLI run (from the kernel's own high-water marks), and the CPU seconds each side spent (where
the time goes: the emulator's request handling or the CLI's parsing and encoding), with the load average. Not a
test: the figures go to the README.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from local_runtime import cli_env, start_runtime  # noqa: E402

DEMO = ROOT / "shared" / "demo_data" / "satellites.tle"


def _checksum(line: str) -> str:
    total = sum(int(c) if c.isdigit() else 1 if c == "-" else 0 for c in line[:68])
    return line[:68] + str(total % 10)


def _alpha5(n: int) -> str:
    if n < 100000:
        return f"{n:05d}"
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # Alpha-5 skips I and O
    return letters[n // 10000 - 10] + f"{n % 10000:04d}"


def whole_sky(n: int, *, day_shift: float = 0.0, first_id: int = 70000) -> str:
    """N 3LE objects derived from the demo sets: NORAD ids from ``first_id``, launch-year pieces, epochs
    spread over the demo's days (+ ``day_shift``), RAAN and mean anomaly moved per object."""
    lines = DEMO.read_text().splitlines()
    demo = [(lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines) - 2, 3)]
    out = []
    for k in range(n):
        name, l1, l2 = demo[k % len(demo)]
        norad = first_id + k
        cat = _alpha5(norad)
        piece = f"{(k // 26) % 1000:03d}{chr(65 + k % 26)}  "
        doy = float(l1[20:32]) + (k % 97) / 1000.0 + day_shift
        line1 = f"1 {cat}U 26{piece[:6]} 26{doy:012.8f}{l1[32:68]}"
        raan = (float(l2[17:25]) + (k * 7.3) % 360.0) % 360.0
        anomaly = (float(l2[43:51]) + (k * 13.1) % 360.0) % 360.0
        line2 = f"2 {cat}{l2[7:17]}{raan:8.4f}{l2[25:43]}{anomaly:8.4f}{l2[51:68]}"
        out += [f"{name[:18]} {k}", _checksum(line1), _checksum(line2)]
    return "\n".join(out) + "\n"


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, dict, float, float]:
    """Wall seconds, the JSON report, the CLI's peak RSS (MB) and its CPU seconds."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, json.loads(out), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far: the runtime's share of each run."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="groundlink-bench-"))
    runtime = start_runtime()
    runtime_env = cli_env(runtime)
    try:
        print(f"local runtime up, RSS high-water {peak_rss_mb(runtime.proc.pid):.0f} MB")
        quarter = work / "quarter.tle"
        quarter.write_text(whole_sky(n // 4, first_id=200000))
        first, refresh = work / "whole-sky.tle", work / "whole-sky-next-day.tle"
        first.write_text(whole_sky(n))
        refresh.write_text(whole_sky(n, day_shift=1.0))
        print(f"{n} objects, {first.stat().st_size / 2**20:.1f} MB of 3LE; in {work}")
        print(f"{'run':34s} {'wall s':>7s} {'stored':>7s} {'unchanged':>9s} {'current':>7s} {'rejected':>8s} "
              f"{'CLI MB':>7s} {'runtime MB':>10s} {'CLI CPU s':>9s} {'runtime CPU s':>13s}")
        for label, path in ((f"import {n // 4} (scaling)", quarter), (f"import {n}", first),
                            (f"same {n} again", first), (f"refresh {n}, epochs +1 day", refresh)):
            before = cpu_s(runtime.proc.pid)
            wall, report, cli_mb, cli_cpu = run_cli(["import-tle", str(path), "--source", "bench"], runtime_env)
            print(f"{label:34s} {wall:7.1f} {report['stored']:7d} {report['unchanged']:9d} {report['current']:7d} "
                  f"{report['rejected']:8d} {cli_mb:7.0f} {peak_rss_mb(runtime.proc.pid):10.0f} {cli_cpu:9.1f} "
                  f"{cpu_s(runtime.proc.pid) - before:13.1f}", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.1f} (before: {load_before:.1f})")
    finally:
        runtime.stop(timeout_s=60)


if __name__ == "__main__":
    main()
