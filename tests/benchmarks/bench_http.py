"""HTTP benchmark of the local runtime: cold-start import of one function group, warm p50 per endpoint.

Usage: python tests/benchmarks/bench_http.py [N] [--whole-sky OBJECTS] [--passes]
Starts ``python -m infra.local`` on free ports, mints a token, calls each endpoint N times, and prints
the p50/p90 of the server time (``Server-Timing: app;dur=…``, the function group's own time) and of
the client round trip. The reference run is the same request to a route-less 404 in the same process,
so the ratio shows what the endpoint adds over the bare stack.

With ``--passes`` only the pass search is measured (the warm ISS 14-day search over every demo station, with and
without polar tracks, each request starting one second after the previous one) against the same reference.

With ``--whole-sky OBJECTS`` (30000: CelesTrak's full GP catalogue) it first imports that many objects
(``tests/benchmarks/bench_ingest.py``'s generated 3LE file) with ``groundlink import-tle``, then measures the
catalogue reads at that scale: the cold start of each in a fresh interpreter — ``cold init``: the handler imported,
primed and restored as SnapStart does (in AWS this part is in the snapshot), then ``cold 1st``: the first answer
after the restore against the runtime's DynamoDB (boto3 client, JWT key, the listing snapshot loaded, the request)
— and the warm p50 over the local runtime. The reference row is the same for an unrouted 404: the bare stack's
first answer.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from infra.local.emulation import free_port  # noqa: E402


def import_cost(module: str, runs: int = 5) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print((time.perf_counter()-t)*1000)"
    # bytecode is cached as a deployment package that ships compiled modules would have it; the first of the
    # runs writes the cache, the median is of warm-disk cold starts
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(POWERTOOLS_TRACE_DISABLED="true", AWS_DEFAULT_REGION="us-east-1")
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


def timed(url: str, token: str | None, n: int, method: str = "GET", body: dict | None = None, body_of=None):
    """``body_of(k)``: the body of the k-th request (else ``body`` every time)."""
    server, client = [], []
    timed.statuses = []  # type: ignore[attr-defined]
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for k in range(n):
        if body_of is not None:
            data = json.dumps(body_of(k)).encode()
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        t = time.perf_counter()
        try:
            resp = urllib.request.urlopen(req, timeout=60)
        except urllib.error.HTTPError as err:
            resp = err
        resp.read()
        timed.statuses.append(resp.status)  # type: ignore[attr-defined]
        client.append((time.perf_counter() - t) * 1000)
        timing = resp.headers.get("server-timing", "app;dur=nan")
        server.append(float(timing.split("dur=")[1]))
    return sorted(server), sorted(client)


CATALOGUE_READS = (  # (function group, method, path, body)
    ("orbapi_catalog", "GET", "/orbapi/satellites?limit=20", None),
    ("orbapi_catalog", "GET", "/orbapi/satellites/name/ISS", None),
    ("orbapi_catalog", "GET", "/orbapi/tles/name/NOAA", None),
    ("ssa_catalog", "GET", "/v1/satellites/?search=noaa", None),
    ("ssa_catalog", "POST", "/v1/norad_db", {"country_operator": ["USA"], "attributes": ["id", "satellite_name"]}),
    ("ssa_catalog", "POST", "/v1/search", {"search_text": "NOAA 20", "attributes": ["id", "satellite_name"],
                                           "search_field": "current_official_name_of_satellite"}),
)
COLD = """
import json, sys, time
t0 = time.perf_counter()
from starlette.testclient import TestClient
import functions.{group}.handler
from shared import snapstart
snapstart.prime()  # what SnapStart's snapshot holds: the app built, PyJWT, boto3 and the orbit core loaded
snapstart.restore()  # what a restored copy drops: SDK clients, signing keys, caches
from functions.{group}.app import app
t1 = time.perf_counter()
client = TestClient(app)
r = client.request({method!r}, {path!r}, json={body!r}, headers={{"Authorization": "Bearer {token}"}})
t2 = time.perf_counter()
print(json.dumps({{"import_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000, "status": r.status_code,
                  "bytes": len(r.content)}}))
"""
REFERENCE_READ = ("orbapi_catalog", "GET", "/orbapi/no-such-route", None)  # the bare stack's first answer (404)


def cold_first_answer(group: str, method: str, path: str, body, token: str, moto: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
    env.update(GROUNDLINK_ENVIRONMENT="local", GROUNDLINK_AWS_ENDPOINT_URL=moto, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1", POWERTOOLS_TRACE_DISABLED="true",
               POWERTOOLS_METRICS_DISABLED="true")
    code = COLD.format(group=group, method=method, path=path, body=body, token=token)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def whole_sky(base: str, moto_port: int, token: str, objects: int, n: int) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    import tempfile

    from bench_ingest import whole_sky as generate

    path = Path(tempfile.mkdtemp(prefix="groundlink-bench-")) / "whole-sky.tle"
    path.write_text(generate(objects))
    moto = f"http://127.0.0.1:{moto_port}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "shared.cli", "import-tle", str(path), "--source", "bench"], cwd=ROOT,
                   env={**os.environ, "GROUNDLINK_AWS_ENDPOINT_URL": moto}, capture_output=True, check=True)
    print(f"\n{objects} objects imported in {time.perf_counter() - started:.0f} s; catalogue reads at that scale (ms), "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}:")
    print(f"  {'endpoint':44s} {'cold init':>11s} {'cold 1st':>9s} {'server p50':>10s} {'p90':>7s} "
          f"{'client p50':>10s} {'bytes':>7s}")
    for group, method, path_q, body in (REFERENCE_READ, *CATALOGUE_READS):
        cold = cold_first_answer(group, method, path_q, body, token, moto)
        assert cold["status"] == (404 if path_q == REFERENCE_READ[2] else 200), (path_q, cold)
        s, c = timed(base + path_q, token, n, method, body)
        print(f"  {method + ' ' + path_q:44s} {cold['import_ms']:11.0f} {cold['first_ms']:9.0f} {pct(s, .5):10.2f} "
              f"{pct(s, .9):7.2f} {pct(c, .5):10.2f} {cold['bytes']:7d}")
    print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def pass_search(base: str, token: str, n: int, ref_server: list[float]) -> None:
    """The warm ISS 14-day search over every demo station (issue 11: server p50 <= 10 ms), with the seed's polar
    tracks and with ``omitPolarTrack``; the body size of each. Request k starts k seconds after the first: every
    answer is computed for its own window (passes cut at its edges rebuilt), from passes the function keeps."""
    from datetime import UTC, datetime, timedelta

    first = datetime.now(UTC).replace(microsecond=0)
    print("  (pass search k starts at now + k s: not a response cache — the kept passes are cut to each window)")
    for label, extra in (("", {}), (", no tracks", {"omitPolarTrack": True})):
        search = {"noradId": 25544, "days": 14, **extra}  # one satellite, every demo station, 14 days

        def body_of(k: int, search=search) -> dict:
            start = first + timedelta(seconds=k)
            return {**search, "start": start.isoformat().replace("+00:00", "Z")}

        s, c = timed(f"{base}/orbapi/passes/search", token, n, "POST", body_of=body_of)
        assert set(timed.statuses) == {200}, timed.statuses  # type: ignore[attr-defined]
        size = len(urllib.request.urlopen(urllib.request.Request(
            f"{base}/orbapi/passes/search", data=json.dumps(search).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}), timeout=60).read())
        name = f"POST /orbapi/passes/search (ISS, 14 d, all{label})"
        print(f"  {name:44s} {pct(s, .5):10.2f} {pct(s, .9):7.2f} {pct(c, .5):10.2f} "
              f"{pct(s, .5) / max(pct(ref_server, .5), 1e-6):7.1f}  {size / 1000:.0f} kB")
    print(f"  load average after the pass search: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def pct(xs, p):
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    args = sys.argv[1:]
    objects = 0
    if "--whole-sky" in args:
        at = args.index("--whole-sky")
        objects = int(args[at + 1])
        del args[at:at + 2]
    passes_only = "--passes" in args
    if passes_only:
        args.remove("--passes")
    n = int(args[0]) if args else 200
    # the handlers import nothing until primed (tests/benchmarks/bench_cold_import.py): the apps are the cost
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("cold-start app build (median of 5 fresh interpreters):" if not passes_only else "")
    for module in () if passes_only else (
        "functions.orbapi_catalog.app",
        "functions.spacego_catalog.app",
        "functions.ssa_core.app",
        "functions.orbapi_passes.app",
    ):
        print(f"  {module:40s} {import_cost(module):7.1f} ms")

    port, moto_port = free_port(), free_port()
    env = {**os.environ, "GROUNDLINK_PORT": str(port), "GROUNDLINK_MOTO_PORT": str(moto_port),
           # limits far above the benchmark's request rate: every request is still counted (one DynamoDB update,
           # part of the server time as in AWS), none refused
           "GROUNDLINK_RATE_LIMITS": "default=1000000/100000,passes=1000000/100000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while "is ready on" not in (line := proc.stdout.readline()):
            if not line and proc.poll() is not None:
                raise SystemExit("local runtime failed to start")
        base = f"http://127.0.0.1:{port}"
        token = subprocess.run(
            [
                sys.executable,
                "-m",
                "shared.cli",
                "token",
                "--subject",
                "demo",
                "--scopes",
                "passes sites.view spacecraft.view ssa",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        ref_server, ref_client = timed(f"{base}/orbapi/no-such-route", None, n)
        print(f"\nwarm latency over the local runtime, {n} requests each (ms):")
        print(f"  {'endpoint':44s} {'server p50':>10s} {'p90':>7s} {'client p50':>10s} {'x ref':>7s}")
        print(
            f"  {'reference: unrouted 404':44s} {pct(ref_server, 0.5):10.2f} {pct(ref_server, 0.9):7.2f} "
            f"{pct(ref_client, 0.5):10.2f} {1.0:7.1f}"
        )
        for path in ("/orbapi/gs",) if passes_only else (
            "/orbapi/gs",
            "/orbapi/gs/id/3",
            "/orbapi/satellites",
            "/orbapi/tles/id/25544",
            "/api/v1/sites",
            "/api/v1/spacecraft",
        ):
            s, c = timed(base + path, token, n)
            print(
                f"  {'GET ' + path:44s} {pct(s, 0.5):10.2f} {pct(s, 0.9):7.2f} {pct(c, 0.5):10.2f} "
                f"{pct(s, 0.5) / max(pct(ref_server, 0.5), 1e-6):7.1f}"
            )
        pass_search(base, token, max(20, n // 5), ref_server)
        if objects:
            whole_sky(base, moto_port, token, objects, n)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
