"""Per-principal rate limits (token bucket per principal and scope class): 429 with ``Retry-After`` in each
surface's own format, on the routes of each surface."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import functions.orbapi_catalog.app as orbapi_app
import functions.pipeline_jobs.app as pipeline_app
import functions.spacego_catalog.app as spacego_app
import functions.ssa_catalog.app as ssa_app
from shared.adapters.memory.ratelimit import MemoryTokenBuckets
from shared.domain.ratelimit.models import BucketLimit
from shared.domain.ratelimit.service import RateLimiter
from shared.ratelimit import reset_limiter, use_limiter
from tests.integration.conftest import bearer

TIGHT = BucketLimit(capacity=2, refill_per_s=0.01)  # two requests, then one every 100 s
NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def limiter(demo) -> Iterator[RateLimiter]:
    limiter = RateLimiter(MemoryTokenBuckets(), {"default": TIGHT, "passes": TIGHT, "pipeline": TIGHT},
                          clock=lambda: NOW)
    use_limiter(limiter)
    yield limiter
    reset_limiter()


def exhaust(call) -> object:
    for _ in range(2):
        assert call().status_code == 200
    return call()


def message(klass: str) -> str:
    return (f"rate limit exceeded: at most 2 requests at once and 0.01 a second for '{klass}' requests; "
            "retry after 100 s")


def test_orbapi_answers_429_with_retry_after_in_its_format() -> None:
    client = TestClient(orbapi_app.app, raise_server_exceptions=False)
    r = exhaust(lambda: client.get("/orbapi/gs", headers=bearer("rl-orbapi", "passes:read")))
    assert (r.status_code, r.headers.get("retry-after"), r.json()) == (429, "100", {"error": message("default")})


def test_spacego_answers_429_problem_json() -> None:
    client = TestClient(spacego_app.app, raise_server_exceptions=False)
    r = exhaust(lambda: client.get("/api/v1/sites", headers=bearer("rl-spacego", "sites.view")))
    assert r.status_code == 429 and r.headers["retry-after"] == "100"
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body == {"title": "Too Many Requests", "detail": message("sites"), "trace_id": body["trace_id"]}


def test_ssa_answers_429_with_detail_and_status_code() -> None:
    client = TestClient(ssa_app.app, raise_server_exceptions=False)
    r = exhaust(lambda: client.get("/v1/satellites/", headers=bearer("rl-ssa", "ssa")))
    assert (r.status_code, r.headers.get("retry-after")) == (429, "100")
    assert r.json()["status_code"] == 429 and r.json()["detail"].startswith("rate limit exceeded")


def test_pipeline_answers_429_with_its_error_code() -> None:
    client = TestClient(pipeline_app.app, raise_server_exceptions=False)
    r = exhaust(lambda: client.post("/tasking/list", json={}, headers=bearer("rl-pipeline", "pipeline")))
    assert (r.status_code, r.headers.get("retry-after")) == (429, "100")
    assert r.json() == {"error": "TOO-MANY-REQUESTS", "errorMessage": message("pipeline")}


def test_buckets_are_per_principal_and_scope_class() -> None:
    client = TestClient(orbapi_app.app, raise_server_exceptions=False)
    for _ in range(2):
        assert client.get("/orbapi/gs", headers=bearer("rl-alice", "passes:read")).status_code == 200
    assert client.get("/orbapi/gs", headers=bearer("rl-alice", "passes:read")).status_code != 200
    # another principal has its own bucket
    assert client.get("/orbapi/gs", headers=bearer("rl-bob", "passes:read")).status_code == 200


def test_without_a_configured_table_there_is_no_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.wiring.ratelimit import rate_limiter

    monkeypatch.delenv("GROUNDLINK_RATELIMIT_TABLE", raising=False)
    assert rate_limiter() is None
    monkeypatch.setenv("GROUNDLINK_RATELIMIT_TABLE", "groundlink-ratelimit")
    monkeypatch.setenv("GROUNDLINK_RATE_LIMITS", "passes=5/1")
    limiter = rate_limiter()
    assert limiter is not None and limiter.limit_of("passes") == BucketLimit(5, 1)


def test_a_failing_bucket_store_lets_the_request_through() -> None:
    class Broken:
        def lease(self, key: str, limit: BucketLimit, now_s: float, want: int = 1) -> tuple[int, float]:
            raise RuntimeError("table unreachable")

    use_limiter(RateLimiter(Broken()))
    client = TestClient(orbapi_app.app, raise_server_exceptions=False)
    assert client.get("/orbapi/gs", headers=bearer("rl-carol", "passes:read")).status_code == 200


def test_a_restored_snapshot_starts_without_the_leases_of_the_snapshotted_instance(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import ratelimit
    from shared.adapters.dynamo.ratelimit import token_buckets
    from shared.snapstart import restore

    reset_limiter()
    monkeypatch.setenv("GROUNDLINK_RATELIMIT_TABLE", "groundlink-ratelimit")
    before, buckets = ratelimit.current_limiter(), token_buckets()
    assert before is not None and ratelimit.current_limiter() is before
    restore()
    assert ratelimit.current_limiter() is not before and token_buckets() is not buckets
