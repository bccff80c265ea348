"""What a warm authenticated request does besides the route's own work: a JWT verified before is not verified
again, and the caller's dependency and the assembling dependencies run on the event loop — the only hop to a
worker thread is the route's own (sync) function. A request that must read or write a store still does, in a
worker thread."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import jwt
import pytest
from fastapi.testclient import TestClient

import functions.orbapi_catalog.app as catalog_app
import functions.orbapi_passes.app as passes_app
from shared.adapters.memory.ratelimit import MemoryTokenBuckets
from shared.domain.ratelimit.models import BucketLimit
from shared.domain.ratelimit.service import RateLimiter
from shared.ratelimit import reset_limiter, use_limiter
from tests.integration.conftest import bearer

SEARCH = {"noradId": 25544, "start": "2026-04-17T00:00:00Z", "days": 1, "groundStationIds": ["14"]}
ROOMY = BucketLimit(capacity=100, refill_per_s=10)  # leases of 10 tokens: nine requests in ten spend a held one


class Leases(MemoryTokenBuckets):
    def __init__(self) -> None:
        super().__init__()
        self.leases = 0

    def lease(self, *args: Any, **kwargs: Any) -> tuple[int, float]:
        self.leases += 1
        return super().lease(*args, **kwargs)


@pytest.fixture
def buckets(demo) -> Iterator[Leases]:
    buckets = Leases()
    # a clock standing still: a lease is spent by count, never dropped by a slow test machine's second
    use_limiter(RateLimiter(buckets, {"default": ROOMY, "passes": ROOMY}, clock=lambda: 1_800_000_000.0))
    yield buckets
    reset_limiter()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions handed to a worker thread (every sync dependency or route function is one hop)."""
    names: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(func, "func", func)  # starlette wraps the call in functools.partial
        names.append(getattr(inner, "__name__", repr(inner)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return names


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tokens: list[str] = []
    real = jwt.decode

    def counted(token: str, *args: Any, **kwargs: Any) -> Any:
        tokens.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    return tokens


def test_a_warm_pass_search_hops_to_a_thread_only_for_the_search(buckets: Leases, hops: list[str],
                                                                  decodes: list[str]) -> None:
    client = TestClient(passes_app.app)
    auth = bearer("warm-passes", "passes:read")
    first = client.post("/orbapi/passes/search", json=SEARCH, headers=auth)
    assert first.status_code == 200 and first.json()["total"] > 0
    # the first request verifies the token and leases tokens, in a worker thread
    assert "_admitted" in hops and buckets.leases == 1 and len(decodes) == 1
    hops.clear()
    again = client.post("/orbapi/passes/search", json=SEARCH, headers=auth)
    assert again.status_code == 200
    assert again.json()["passes"] == first.json()["passes"]
    assert hops == ["_run_sync_endpoint"]  # the search itself; not the caller, not the pass search's assembly
    assert buckets.leases == 1 and len(decodes) == 1  # a leased token spent, the token not verified again


def test_a_warm_station_listing_hops_only_for_the_route(buckets: Leases, hops: list[str]) -> None:
    client = TestClient(catalog_app.app)
    auth = bearer("warm-gs", "passes:read")
    first = client.get("/orbapi/gs", headers=auth)
    assert first.status_code == 200 and first.json()["total"] > 0
    hops.clear()
    again = client.get("/orbapi/gs?limit=3", headers=auth)
    assert again.status_code == 200 and again.json()["data"] == first.json()["data"][:3]
    # the route's function and FastAPI's validation of its answer (response_model) are each handed to a thread; the
    # caller, catalogue, registry and paging dependencies run on the loop
    assert hops == ["_run_sync_endpoint", "validate"]


def test_a_spent_lease_and_a_new_token_go_to_the_stores_in_a_thread(buckets: Leases, hops: list[str]) -> None:
    client = TestClient(catalog_app.app)
    auth = bearer("warm-lease", "passes:read")
    for _ in range(10):  # one lease of ten tokens
        assert client.get("/orbapi/gs", headers=auth).status_code == 200
    assert buckets.leases == 1 and hops.count("_admitted") == 1
    assert client.get("/orbapi/gs", headers=auth).status_code == 200
    assert buckets.leases == 2 and hops.count("_admitted") == 2  # the eleventh leases again, from a thread
    other = bearer("warm-lease", "passes:read")  # the same claims, another token: verified on its own
    assert client.get("/orbapi/gs", headers=other).status_code == 200
    assert hops.count("_admitted") == 3


def test_a_warm_caller_is_still_refused_what_it_may_not_do(buckets: Leases) -> None:
    client = TestClient(passes_app.app, raise_server_exceptions=False)
    auth = bearer("warm-scopes", "sites.view")
    for _ in range(2):  # refused from a thread, then from memory: the same answer
        r = client.post("/orbapi/passes/search", json=SEARCH, headers=auth)
        assert r.status_code == 403 and "passes:read" in r.json()["error"]
    bad = client.post("/orbapi/passes/search", json=SEARCH, headers={"Authorization": "Bearer not.a.jwt"})
    assert bad.status_code == 401 and "the token is invalid" in bad.json()["error"]
