"""Pass-search answer time in-process, stage by stage: the warm ISS 14-day search over every demo station.

    python tests/benchmarks/bench_pass_search.py [N]

The orbapi route's own work (``POST /orbapi/passes/search``), without HTTP, authentication, the rate limiter's
and the catalogue's DynamoDB calls (an in-memory catalogue holds the demo data): the request validated, the
passes (from the pass cache, ``shared/domain/scheduling/pass_cache.py``), the wire rows and the JSON body
(orjson) — wall and CPU time per stage, median of N warm runs, with ``omitPolarTrack`` and without. Run k starts
k seconds after the first: the kept passes are cut to each window (not a response cache). Then the whole route
on a cache miss (every block computed, nothing kept: ``PassSearch(cached=False)``), and the references measured
in the same run: the orbit core's ``find_passes`` over the window itself (what the search computed before the
cache) and the standard library's ``json.dumps`` of the same body as plain objects.
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
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "orbit")]

import orjson  # noqa: E402

from shared.adapters.memory.catalog import InMemoryCatalogStore  # noqa: E402
from shared.adapters.memory.news import MemoryNewsStore  # noqa: E402
from shared.catalog.demo import DEMO_TLE_MAX_AGE_DAYS, seed_demo  # noqa: E402
from shared.domain.catalog.freshness import FreshnessPolicy  # noqa: E402
from shared.domain.scheduling.pass_cache import PassCache  # noqa: E402
from shared.domain.scheduling.passes import predict, track_samples  # noqa: E402
from shared.domain.scheduling.search import PassSearch  # noqa: E402
from shared.errors import JSONResponse  # noqa: E402
from shared.surfaces.orbapi.passes import PassSearchRequest, search_view  # noqa: E402

NOW = datetime(2026, 4, 17, tzinfo=UTC)  # next to the demo element sets' epochs


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def median_ms(xs: list[float]) -> float:
    return statistics.median(xs) * 1000


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    store = InMemoryCatalogStore()
    seed_demo(store, news_repo=MemoryNewsStore())
    policy = FreshnessPolicy(max_age_days=DEMO_TLE_MAX_AGE_DAYS, demo=True)
    search = PassSearch(store, policy, clock=lambda: NOW, cache=PassCache())
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {n} warm runs, one thread")
    print(f"  {'stage (ms)':52s} {'wall p50':>9s} {'cpu p50':>8s}")
    for label, extra in (("seed's polar tracks", {}), ("omitPolarTrack", {"omitPolarTrack": True})):
        stages: dict[str, list[tuple[float, float]]] = {}

        def stage(name: str, since: tuple[float, float], stages=stages) -> tuple[float, float]:
            now = clocks()
            stages.setdefault(name, []).append((now[0] - since[0], now[1] - since[1]))
            return now

        def body(k: int, extra=extra) -> dict:
            return {"noradId": 25544, "days": 14, "start": (NOW + timedelta(seconds=k)).isoformat(), **extra}

        for k in range(n + 3):
            t0 = t = clocks()
            req = PassSearchRequest.model_validate(body(k))
            result = search.search(req.query())
            t = stage("request + catalogue + passes (kept, cut to the window)", t)
            view = search_view(result, req)
            t = stage("wire rows (kept rows joined, cut passes built)", t)
            rendered = JSONResponse(view).body
            stage("JSON body (orjson)", t)
            stage("total: cache hit", t0)
            plain = orjson.loads(rendered)  # the rows are JSON text already: the body as plain objects
            t = clocks()
            json.dumps(plain, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
            stage("reference: the same body by json.dumps", t)
            if k < 3:  # warm-up
                for v in stages.values():
                    v.clear()
        fresh = PassSearch(store, policy, clock=lambda: NOW, cached=False)
        for k in range(max(5, n // 4)):
            t0 = clocks()
            req = PassSearchRequest.model_validate(body(k))
            JSONResponse(search_view(fresh.search(req.query()), req))
            stage("total: cache miss (every block computed)", t0)
        table = result.table
        core: list[float] = []
        for k in range(max(5, n // 4)):
            t = clocks()
            predict(result.element_set, result.stations, result.start.timestamp() + k, result.end.timestamp() + k,
                    result.masks)
            core.append(clocks()[1] - t[1])
        t = clocks()
        for _ in range(n):
            track_samples(table, 60)
        tracks = (clocks()[1] - t[1]) / n
        print(f"ISS, 14 days, {len(result.stations)} stations, {len(table)} passes, {label}, "
              f"{len(rendered) / 1000:.0f} kB:")
        for name, xs in stages.items():
            print(f"  {name:52s} {median_ms([x[0] for x in xs]):9.2f} {median_ms([x[1] for x in xs]):8.2f}")
        print(f"  {'reference: find_passes over the window (uncached core)':52s} {'':9s} {median_ms(core):8.2f}")
        if not extra:
            print(f"  {'polar tracks of all passes (one pass, uncached), cpu':52s} {'':9s} {tracks * 1000:8.2f}")
        hit = median_ms([x[1] for x in stages["total: cache hit"]])
        miss = median_ms([x[1] for x in stages["total: cache miss (every block computed)"]])
        ref = median_ms([x[1] for x in stages["reference: the same body by json.dumps"]])
        ours = median_ms([x[1] for x in stages["JSON body (orjson)"]])
        print(f"  cache hit / find_passes alone = {hit / median_ms(core):.2f}; miss / hit = {miss / hit:.1f}; "
              f"JSON: json.dumps / orjson = {ref / ours:.1f}x")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
