"""Pass-search answer time in-process, stage by stage: the warm ISS 14-day search over every demo station.

    python tests/benchmarks/bench_pass_search.py [N]

The orbapi route's own work (``POST /orbapi/passes/search``), without HTTP, authentication, the rate limiter's
and the catalogue's DynamoDB calls (an in-memory catalogue holds the demo data): the request validated, the
passes predicted (the orbit core), the polar tracks, the wire rows and the JSON body (orjson) — wall and CPU
time per stage, median of N warm runs, with ``omitPolarTrack`` and without. The reference in the same run is
the standard library's ``json.dumps`` of the same body as plain objects (what every surface used before), so the
JSON part shows its ratio (the polar tracks reach orjson as JSON text already: written in the wire-rows stage).
``bench_http.py --passes`` measures the same search over the local runtime (Server-Timing).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "orbit")]

import orjson  # noqa: E402

from shared.adapters.memory.catalog import InMemoryCatalogStore  # noqa: E402
from shared.adapters.memory.news import MemoryNewsStore  # noqa: E402
from shared.catalog.demo import DEMO_TLE_MAX_AGE_DAYS, seed_demo  # noqa: E402
from shared.domain.catalog.freshness import FreshnessPolicy  # noqa: E402
from shared.domain.scheduling.passes import predict, track_samples  # noqa: E402
from shared.domain.scheduling.search import PassSearch  # noqa: E402
from shared.errors import JSONResponse  # noqa: E402
from shared.surfaces.orbapi.passes import PassSearchRequest, search_view  # noqa: E402

NOW = datetime(2026, 4, 17, tzinfo=UTC)  # next to the demo element sets' epochs


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    store = InMemoryCatalogStore()
    seed_demo(store, news_repo=MemoryNewsStore())
    policy = FreshnessPolicy(max_age_days=DEMO_TLE_MAX_AGE_DAYS, demo=True)
    search = PassSearch(store, policy, clock=lambda: NOW)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {n} warm runs, one thread")
    print(f"  {'stage (ms)':44s} {'wall p50':>9s} {'cpu p50':>8s}")
    for label, extra in (("seed's polar tracks", {}), ("omitPolarTrack", {"omitPolarTrack": True})):
        body = {"noradId": 25544, "days": 14, **extra}
        stages: dict[str, list[tuple[float, float]]] = {}

        def stage(name: str, since: tuple[float, float], stages=stages) -> tuple[float, float]:
            now = clocks()
            stages.setdefault(name, []).append((now[0] - since[0], now[1] - since[1]))
            return now

        for k in range(n + 3):
            t0 = t = clocks()
            req = PassSearchRequest.model_validate(body)
            result = search.search(req.query())
            t = stage("request + catalogue + orbit core", t)
            view = search_view(result, req)
            t = stage("wire rows (polar tracks included)", t)
            rendered = JSONResponse(view).body
            stage("JSON body (orjson)", t)
            stage("total", t0)
            plain = orjson.loads(rendered)  # the polar tracks are JSON text already: the body as plain objects
            t = clocks()
            json.dumps(plain, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
            stage("reference: the same body by json.dumps", t)
            if k < 3:  # warm-up
                for v in stages.values():
                    v.clear()
        table = result.table
        t = clocks()
        for _ in range(n):
            predict(result.element_set, result.stations, result.start.timestamp(), result.end.timestamp(),
                    result.masks)
        core = (clocks()[1] - t[1]) / n
        t = clocks()
        for _ in range(n):
            track_samples(table, 60)
        tracks = (clocks()[1] - t[1]) / n
        print(f"ISS, 14 days, {len(result.stations)} stations, {len(table)} passes, {label}, "
              f"{len(rendered) / 1000:.0f} kB:")
        for name, xs in stages.items():
            wall = statistics.median(x[0] for x in xs) * 1000
            cpu = statistics.median(x[1] for x in xs) * 1000
            print(f"  {name:44s} {wall:9.2f} {cpu:8.2f}")
        ref = statistics.median(x[1] for x in stages["reference: the same body by json.dumps"])
        ours = statistics.median(x[1] for x in stages["JSON body (orjson)"])
        print(f"  {'  of which the orbit core (find_passes), cpu':44s} {'':9s} {core * 1000:8.2f}")
        if not extra:
            print(f"  {'  polar tracks of all passes (one pass), cpu':44s} {'':9s} {tracks * 1000:8.2f}")
        print(f"  JSON: json.dumps / orjson = {ref / ours:.1f}x")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
