"""Fan-out benchmark: the largest pass analysis the API accepts — 100 satellites × a whole-Earth polygon × 7 days
at 1 s — through the local runtime's jobs state machine (plan, a Distributed Map of chunks, merge), and the
split-vs-unsplit equality on a smaller case.

Usage: python tests/benchmarks/bench_fanout.py [SATELLITES]   (default 100)

Starts the local runtime as ``make run`` does (``python -m infra.local``: moto server, the state machines'
Lambda tasks run in that process), imports 100 more element sets (tests/fixtures/tle/active_snapshot.tle) with
``groundlink import-tle``, registers an SSA user, submits the analysis and polls its status, printing the
progress (finished chunks / total) as it moves. Then prints the wall time, the number of chunks, the peak RSS
(the kernel's high-water mark, VmHWM) of every process — the runtime (moto server and every worker invocation
included), the CLI, this script — and whether the result's shape is complete. Last, in this process, a smaller
case computed unsplit and in chunks (satellites and ground points split as the planner splits them) must be
identical. Not a test: the figures go to the report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "orbit"))

from local_runtime import cli_env, start_runtime  # noqa: E402

from tests.benchmarks.bench_ingest import peak_rss_mb  # noqa: E402

SNAPSHOT = ROOT / "tests" / "fixtures" / "tle" / "active_snapshot.tle"
WHOLE_EARTH = {"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]}}
WEEK = ["2026-04-17T00:00:00+00:00", "2026-04-24T00:00:00+00:00"]


def call(method: str, url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def norad_ids(n: int) -> list[int]:
    lines = SNAPSHOT.read_text().splitlines()
    return [int(line[2:7]) for line in lines if line.startswith("1 ")][:n]


def fan_out(n: int) -> None:
    runtime = start_runtime()
    env = cli_env(runtime)
    base = runtime.base
    try:
        print(f"local runtime up (pid {runtime.proc.pid}), RSS high-water {peak_rss_mb(runtime.proc.pid):.0f} MB")
        t0 = time.perf_counter()
        cli = subprocess.Popen([sys.executable, "-m", "shared.cli", "import-tle", str(SNAPSHOT), "--source", "bench"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cli.stdout.read()
        _, code, usage = os.wait4(cli.pid, 0)
        cli_mb = usage.ru_maxrss / 1024
        print(f"import-tle {SNAPSHOT.name} (exit {os.waitstatus_to_exitcode(code)}) in "
              f"{time.perf_counter() - t0:.1f} s, CLI peak RSS {cli_mb:.0f} MB")
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        call("POST", f"{base}/auth/register", body={"email": email, "name": "Bench Analyst",
                                                    "password": "P@ssw0rd!Strong"})
        token = call("POST", f"{base}/auth/login", body={"email": email, "password": "P@ssw0rd!Strong"})[1][
            "access_token"]
        request = {"ground_location": WHOLE_EARTH, "date": WEEK, "time_resolution": 1, "min_elv_constraint": 10,
                   "max_elv_constraint": 90, "norad_ids": norad_ids(n), "name": "bench fan-out"}
        t0 = time.perf_counter()
        status, job = call("POST", f"{base}/v1/pass_analyzer/", token, request)
        assert status == 200, job
        last, state = None, {}
        while True:
            state = call("GET", f"{base}{job['status_url']}", token)[1]
            if (state["status"], state["progress"]) != last:
                last = (state["status"], state["progress"])
                print(f"  {time.perf_counter() - t0:7.1f} s  {state['status']:12s} progress {state['progress']:.3f}"
                      f"  runtime RSS high-water {peak_rss_mb(runtime.proc.pid):.0f} MB")
            if state["status"] in ("completed", "failed"):
                break
            time.sleep(2)
        elapsed = time.perf_counter() - t0
        result = state.get("result")
        if result is None and state.get("result_url"):
            with urllib.request.urlopen(state["result_url"], timeout=120) as resp:
                result = json.loads(resp.read())
        print(f"\n{n} satellites × whole Earth × 7 days at 1 s: {state['status']} in {elapsed:.1f} s"
              f"{'' if state['error'] is None else ' — ' + state['error']}")
        if result is not None:
            from shared.domain.jobs.chunks import plan_chunks

            start, end = (datetime.fromisoformat(t).timestamp() for t in WEEK)
            print(f"  {len(plan_chunks(n, len(result['Access_norad'][0]), start, end))} chunks (the planner's, "
                  f"for this request)")
            print(f"  satellites × points: {len(result['Access_norad'])} × {len(result['Access_norad'][0])}; "
                  f"windows {sum(map(len, result['timestamp']))}; inline: {state.get('result') is not None}; "
                  f"result {len(json.dumps(result)) / 1e6:.1f} MB of JSON")
        print(f"peak RSS (VmHWM): runtime (moto server, gateway, every worker invocation) "
              f"{peak_rss_mb(runtime.proc.pid):.0f} MB; CLI {cli_mb:.0f} MB; "
              f"this script {peak_rss_mb(os.getpid()):.0f} MB")
    finally:
        runtime.stop(timeout_s=60)


def equality() -> None:
    """A smaller case, unsplit and in the planner's chunks (satellites and points split): identical."""
    from groundlink_orbit import parse_tle

    from shared.domain.jobs.analysis.coverage import analyse, compute_chunk, ground_points, merge
    from shared.domain.jobs.chunks import plan_chunks

    lines = SNAPSHOT.read_text().splitlines()
    sets = [parse_tle(line, lines[i + 1], lines[i - 1].strip()) for i, line in enumerate(lines)
            if line.startswith("1 ")][:10]
    start, end = 1776384000.0, 1776384000.0 + 86400
    t0 = time.perf_counter()
    unsplit = analyse(sets, WHOLE_EARTH, start, end, 10, 90, 1)
    t_unsplit = time.perf_counter() - t0
    lat, lon, tile = ground_points(WHOLE_EARTH)
    for budget in (3 * len(lat) * 1440, 100 * 1440):
        plan = plan_chunks(len(sets), len(lat), start, end, budget)
        t0 = time.perf_counter()
        parts = (compute_chunk(sets[c.sat_lo:c.sat_hi], lat[c.point_lo:c.point_hi], lon[c.point_lo:c.point_hi],
                               c.start_s, c.end_s, 10, 90, 1, sat_offset=c.sat_lo, point_offset=c.point_lo)
                 for c in plan)
        merged = merge(parts, [s.norad_id for s in sets], lat, lon, tile, start, end)
        print(f"10 satellites × {len(lat)} points × 1 day: unsplit {t_unsplit:.1f} s; {len(plan)} chunks "
              f"{time.perf_counter() - t0:.1f} s; identical: {merged == unsplit}")


if __name__ == "__main__":
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
    fan_out(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
    equality()
