"""A timeline of what the local runtime does, for finding where a job's time goes (off unless asked for).

With ``GROUNDLINK_LOCAL_TRACE=<file>`` the runtime appends one JSON line per event to the file:

* every request the embedded AWS serves (``kind: "aws"``): the service and operation, its thread, when it started
  and ended (``time.time()``), the CPU its thread spent on it and, for DynamoDB, the time it waited for the lock
  that serialises DynamoDB requests;
* every bridged worker invocation (``kind: "step"``): the worker, its step (``plan``, ``chunk``…), task id and chunk;
* every HTTP request of the gateway (``kind: "http"``);
* every garbage collection of the oldest generation, and any other taking over a millisecond (``kind: "gc"``):
  each stops every thread of the process.

``tests/benchmarks/bench_coverage.py --trace`` prints one job's timeline from it. Nothing is recorded without the
variable: each hook then costs one ``if``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

ENV = "GROUNDLINK_LOCAL_TRACE"

_lock = threading.Lock()
_file: Any = None


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def record(event: dict[str, Any]) -> None:
    """Appends ``event`` (one JSON line, with its thread's name) to the trace file."""
    global _file
    event.setdefault("thread", threading.current_thread().name)
    line = json.dumps(event, separators=(",", ":")) + "\n"
    with _lock:
        if _file is None:
            _file = open(os.environ[ENV], "a", buffering=1)  # noqa: SIM115 - kept open for the process's life
        _file.write(line)


def operation(environ: dict[str, Any]) -> tuple[str, str]:
    """(service, operation) of a request to the embedded AWS, from its WSGI environ."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:  # JSON protocols: DynamoDB_20120810.GetItem, AWSStepFunctions.StartExecution, AmazonSQS.…
        prefix, _, op = target.partition(".")
        service = {"DynamoDB_20120810": "dynamodb", "AWSStepFunctions": "stepfunctions", "AmazonSQS": "sqs",
                   "AWSEvents": "events"}.get(prefix, prefix)
        return service, op
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "")
    if "/functions/" in path and path.endswith("/invocations"):
        return "lambda", "Invoke " + path.split("/functions/", 1)[1].split("/", 1)[0]
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = auth.split("Credential=", 1)[1].split("/")[3] if "Credential=" in auth else "?"
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action", [""])[0]
    if service == "s3":
        parts = path.lstrip("/").split("/", 1)
        return "s3", f"{method} {parts[1] if len(parts) > 1 else parts[0]}"
    return service, action or f"{method} {path}"


def traced_wsgi(app: Callable[..., Any], lock: threading.Lock | None = None) -> Callable[..., Any]:
    """``app`` recording each request (see the module). ``lock``: the DynamoDB lock, whose wait is recorded."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes] | list[bytes]:
        service, op = operation(environ)
        t0, c0 = time.time(), time.thread_time()
        waited = 0.0
        try:
            if lock is not None and service == "dynamodb":
                with lock:
                    waited = time.time() - t0
                    return list(app(environ, start_response))
            return list(app(environ, start_response))
        finally:
            record({"kind": "aws", "service": service, "op": op, "start": t0, "end": time.time(),
                    "cpu": time.thread_time() - c0, "lock_wait": waited})

    return wrapped


def traced_asgi(app: Callable[..., Any]) -> Callable[..., Any]:
    """An ASGI ``app`` recording each HTTP request's method, path and span."""

    async def wrapped(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        t0 = time.time()
        try:
            await app(scope, receive, send)
        finally:
            record({"kind": "http", "op": f"{scope.get('method')} {scope.get('path')}", "start": t0,
                    "end": time.time()})

    return wrapped


_gc_started: dict[str, float] = {}


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_started["t"] = time.time()
        return
    t0 = _gc_started.pop("t", None)
    if t0 is None:
        return
    end = time.time()
    if info.get("generation") == 2 or end - t0 > 0.001:
        record({"kind": "gc", "op": f"collect generation {info.get('generation')} ({info.get('collected')} freed)",
                "start": t0, "end": end})


def watch_gc() -> None:
    """Records the process's long garbage collections (when tracing; idempotent)."""
    import gc

    if enabled() and _gc_callback not in gc.callbacks:
        gc.callbacks.append(_gc_callback)
