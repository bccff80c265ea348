"""Per-process HTTP metrics (Prometheus text exposition) and the active-users registry of seed 002.

Both live in this process's memory only. In AWS every Lambda execution environment keeps and reports
its own view (``GET /metrics`` answers with the counters of the instance that happened to serve it, and
they restart at zero on a cold start); fleet-wide figures come from CloudWatch through Powertools
Metrics (``shared.observability.metrics``). In the local runtime every function group runs in one
process, so ``/metrics`` and ``/debug/active-users`` show the whole platform.

* ``http_requests_total{method, endpoint, status}`` — counter.
* ``http_request_duration_seconds{method, endpoint}`` — histogram (``_bucket{le}``, ``_sum``, ``_count``).

``endpoint`` is the route template (``/orbapi/gs/id/{id}``), never the raw path, so the number of series
stays bounded; requests no route matched count as ``unmatched``, unusual methods as ``OTHER``.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from typing import Any

# Prometheus client's default buckets (seconds).
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


class HttpMetrics:
    """Counter + histogram for one process. ``observe`` is a few dict operations under an uncontended lock."""

    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        # (method, endpoint) -> [per-bucket counts (last one is +Inf), sum, count]
        self._durations: dict[tuple[str, str], list[Any]] = {}

    def observe(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        if method not in _METHODS:
            method = "OTHER"
        index = bisect_left(self.buckets, seconds)
        with self._lock:
            key = (method, endpoint, str(status))
            self._requests[key] = self._requests.get(key, 0) + 1
            series = self._durations.get((method, endpoint))
            if series is None:
                series = self._durations[(method, endpoint)] = [[0] * (len(self.buckets) + 1), 0.0, 0]
            series[0][index] += 1
            series[1] += seconds
            series[2] += 1

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._durations.clear()

    def render(self) -> str:
        with self._lock:
            requests = sorted(self._requests.items())
            durations = sorted((k, [list(v[0]), v[1], v[2]]) for k, v in self._durations.items())
        lines = [
            "# HELP http_requests_total Total number of HTTP requests",
            "# TYPE http_requests_total counter",
        ]
        for (method, endpoint, status), count in requests:
            lines.append(
                f'http_requests_total{{method="{method}",endpoint="{_escape(endpoint)}",status="{status}"}} {count}'
            )
        lines += [
            "# HELP http_request_duration_seconds Duration of HTTP requests",
            "# TYPE http_request_duration_seconds histogram",
        ]
        bounds = [_number(b) for b in self.buckets] + ["+Inf"]
        for (method, endpoint), (counts, total, count) in durations:
            labels = f'method="{method}",endpoint="{_escape(endpoint)}"'
            cumulative = 0
            for bound, n in zip(bounds, counts, strict=True):
                cumulative += n
                lines.append(f'http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {cumulative}')
            lines.append(f"http_request_duration_seconds_sum{{{labels}}} {_number(total)}")
            lines.append(f"http_request_duration_seconds_count{{{labels}}} {count}")
        return "\n".join(lines) + "\n"


HTTP_METRICS = HttpMetrics()


class MetricsMiddleware:
    """Pure ASGI middleware: times every HTTP request and counts it by route template and status."""

    def __init__(self, app, registry: HttpMetrics | None = None) -> None:
        self.app = app
        self.registry = registry or HTTP_METRICS

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def send_with_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or UNMATCHED
            self.registry.observe(scope.get("method", "GET"), endpoint, status, time.perf_counter() - started)


# --- active users ---------------------------------------------------------------------------------

USER_TIMEOUT_S = 1800
CLEANUP_INTERVAL_S = 300


class ActiveUsers:
    """Subjects seen by ``shared.http.caller()`` in this process, with their last activity (epoch seconds).

    Entries older than ``timeout_s`` are dropped: every ``cleanup_interval_s`` on the recording path, and
    always before a snapshot is taken.
    """

    def __init__(self, timeout_s: int = USER_TIMEOUT_S, cleanup_interval_s: int = CLEANUP_INTERVAL_S) -> None:
        self.timeout_s = timeout_s
        self.cleanup_interval_s = cleanup_interval_s
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._last_cleanup = time.time()

    def record(self, subject: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._last[subject] = now
        if now - self._last_cleanup >= self.cleanup_interval_s:
            self.cleanup(now)

    def cleanup(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._last_cleanup = now
            cutoff = now - self.timeout_s
            for subject, seen in list(self._last.items()):
                if seen < cutoff:
                    self._last.pop(subject, None)

    def reset(self) -> None:
        with self._lock:
            self._last.clear()

    def snapshot(self, now: float | None = None) -> dict[str, float]:
        now = time.time() if now is None else now
        self.cleanup(now)
        return dict(self._last)


ACTIVE_USERS = ActiveUsers()
