"""Catalogue reads at whole-sky scale inside one process, without the local runtime's HTTP hops: a fresh
interpreter per endpoint stores N objects (default 30000, ``bench_ingest.py``'s generated sets) in an in-process
moto and publishes the listing snapshot (not timed), then imports the endpoint's function handler, primes and
restores it as SnapStart does (timed: ``init``, which in AWS is in the snapshot), answers the first request (timed:
``cold 1st``, the first answer after a restore: JWT key, boto3 client, the listing snapshot loaded and searched)
and 50 more (the warm p50). The reference row is the same for an unrouted 404 (the bare stack's first answer).

Usage: python tests/benchmarks/bench_catalog_reads.py [N]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_http import CATALOGUE_READS, REFERENCE_READ  # noqa: E402

ONE = """
import json, os, statistics, sys, time
sys.path.insert(0, "tests/benchmarks")
from datetime import UTC, datetime
from moto import mock_aws
with mock_aws():
    from bench_ingest import whole_sky
    from groundlink_orbit import parse_tle_text
    from infra.local.emulation import create_resources
    from shared.adapters.dynamo.catalog import DynamoCatalogRepository
    from shared.aws import client
    from shared.adapters.dynamo.catalog_columns import compact_tle
    from shared.domain.catalog.ingestion import EPOCH_FORMAT, _record, cospar_id
    create_resources(client("dynamodb"))
    setup = DynamoCatalogRepository()
    at = datetime.now(UTC)
    def row(es):  # a satellite row as bulk ingestion writes it
        rec = _record(es, source="bench", uploaded_by="bench", at=at)
        return {{"norad_id": es.norad_id, "name": es.name, "names": es.name, "status": "alive",
                "cospar_id": cospar_id(es.line1), "rev": 1, "tle": compact_tle(rec),
                "tle_epoch": rec.epoch.strftime(EPOCH_FORMAT)}}
    setup._rows = {{es.norad_id: row(es) for es in parse_tle_text(whole_sky({n})).element_sets}}
    setup.publish_snapshot()
    del setup
    from shared.auth import issue_jwt
    token = issue_jwt("bench", ["passes", "ssa"], ttl_s=600)
    t0 = time.perf_counter()
    from starlette.testclient import TestClient
    import functions.{group}.handler
    from shared import snapstart
    snapstart.prime()
    snapstart.restore()
    from functions.{group}.app import app
    t1 = time.perf_counter()
    http = TestClient(app)
    headers = {{"Authorization": "Bearer " + token}}
    r = http.request({method!r}, {path!r}, json={body!r}, headers=headers)
    t2 = time.perf_counter()
    warm = []
    for _ in range(50):
        s = time.perf_counter()
        http.request({method!r}, {path!r}, json={body!r}, headers=headers)
        warm.append((time.perf_counter() - s) * 1000)
    print(json.dumps({{"import_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000, "status": r.status_code,
                      "warm_p50_ms": statistics.median(warm), "bytes": len(r.content)}}))
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_"))}
    env.update(GROUNDLINK_ENVIRONMENT="local", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_METRICS_DISABLED="true",
               PYTHONPATH=f"{ROOT}:{ROOT / 'layers' / 'orbit'}")
    print(f"{n} objects; per endpoint a fresh interpreter (ms); load average {load()}:")
    print(f"  {'endpoint':44s} {'init':>6s} {'cold 1st':>9s} {'warm p50':>9s} {'bytes':>7s}")
    for group, method, path, body in (REFERENCE_READ, *CATALOGUE_READS):
        code = ONE.format(n=n, group=group, method=method, path=path, body=body)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["status"] == (404 if path == REFERENCE_READ[2] else 200), (path, got)
        print(f"  {method + ' ' + path:44s} {got['import_ms']:6.0f} {got['first_ms']:9.0f} {got['warm_p50_ms']:9.2f} "
              f"{got['bytes']:7d}")
    print(f"load average after: {load()}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
