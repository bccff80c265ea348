"""Per-process HTTP metrics and the active-users registry (no AWS)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.metrics import ActiveUsers, HttpMetrics, MetricsMiddleware

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_]+="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$')


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """Prometheus text format 0.0.4, strictly: every non-comment line must be a sample."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) \S+ .+$", line), line
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def tiny_app(registry: HttpMetrics) -> FastAPI:
    app = FastAPI()
    app.add_middleware(MetricsMiddleware, registry=registry)

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict:
        return {"id": item_id}

    @app.get("/boom")
    def boom() -> dict:
        raise RuntimeError("boom")

    return app


def test_counts_by_route_template_and_status_and_renders_exact_lines():
    # Given a fresh registry behind the middleware
    registry = HttpMetrics()
    client = TestClient(tiny_app(registry), raise_server_exceptions=False)
    # When three different item ids, a bad id, an unknown path and a crashing route are requested
    for i in (1, 2, 3):
        assert client.get(f"/items/{i}").json() == {"id": i}
    assert client.get("/items/x").status_code == 422
    assert client.get("/nowhere/at/all").status_code == 404
    assert client.get("/boom").status_code == 500
    assert client.post("/items/1").status_code == 405
    # Then the series are keyed by the template, never by the raw path
    text = registry.render()
    lines = text.splitlines()
    assert lines[:2] == ["# HELP http_requests_total Total number of HTTP requests",
                         "# TYPE http_requests_total counter"]
    assert 'http_requests_total{method="GET",endpoint="/items/{item_id}",status="200"} 3' in lines
    assert 'http_requests_total{method="GET",endpoint="/items/{item_id}",status="422"} 1' in lines
    assert 'http_requests_total{method="GET",endpoint="unmatched",status="404"} 1' in lines
    assert 'http_requests_total{method="GET",endpoint="/boom",status="500"} 1' in lines
    assert 'http_requests_total{method="POST",endpoint="/items/{item_id}",status="405"} 1' in lines
    assert not any("/items/1" in line for line in lines)
    assert "# TYPE http_request_duration_seconds histogram" in lines
    assert 'http_request_duration_seconds_bucket{method="GET",endpoint="/items/{item_id}",le="+Inf"} 4' in lines
    assert 'http_request_duration_seconds_count{method="GET",endpoint="/items/{item_id}"} 4' in lines
    samples = parse(text)
    assert len(samples) == 5 + 4 * (len(registry.buckets) + 3)  # 5 counters, 4 histograms (buckets, +Inf, sum, count)


def test_histogram_buckets_are_cumulative_and_inclusive():
    registry = HttpMetrics(buckets=(0.1, 1.0))
    for seconds in (0.05, 0.1, 0.5, 3.0):
        registry.observe("GET", "/x", 200, seconds)
    lines = registry.render().splitlines()
    labels = 'method="GET",endpoint="/x"'
    assert lines[-5:] == [
        f'http_request_duration_seconds_bucket{{{labels},le="0.1"}} 2',
        f'http_request_duration_seconds_bucket{{{labels},le="1.0"}} 3',
        f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}} 4',
        f"http_request_duration_seconds_sum{{{labels}}} 3.65",
        f"http_request_duration_seconds_count{{{labels}}} 4",
    ]


def test_odd_methods_and_label_values_are_bounded_and_escaped():
    registry = HttpMetrics()
    registry.observe("BREW", 'we"ird\\path\n', 418, 0.001)
    text = registry.render()
    assert 'http_requests_total{method="OTHER",endpoint="we\\"ird\\\\path\\n",status="418"} 1' in text.splitlines()
    parse(text)


def test_active_users_drop_entries_after_the_timeout():
    users = ActiveUsers(timeout_s=1800, cleanup_interval_s=300)
    users.record("user-1", now=1000.0)
    users.record("demo", now=2000.0)
    assert users.snapshot(now=2500.0) == {"user-1": 1000.0, "demo": 2000.0}
    assert users.snapshot(now=2900.0) == {"demo": 2000.0}  # user-1 idle for 1900 s > 1800 s
    users.record("user-1", now=4000.0)  # recording also prunes, every cleanup interval
    assert users._last == {"user-1": 4000.0}


def test_observe_is_cheap():
    import time

    registry = HttpMetrics()
    n = 20_000
    started = time.perf_counter()
    for i in range(n):
        registry.observe("GET", "/orbapi/gs/id/{id}", 200, (i % 100) / 1000)
    per_call_us = (time.perf_counter() - started) / n * 1e6
    assert per_call_us < 20, per_call_us  # ≈1 µs measured; generous bound for a loaded CI machine
