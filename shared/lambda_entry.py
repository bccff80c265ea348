"""Lambda entry points: Powertools logging context, metrics flushing and, when enabled, X-Ray SDK subsegments around
an adapter; and ``http_handler``, an HTTP function's handler, whose app is built by SnapStart's priming or by the
first request, not by the import.

Importing a handler loads Powertools and Mangum only: an HTTP function's cold start does no work before it is
invoked. Its app (routers, schemas, the services they reach) is imported by ``prime`` — the SnapStart
before-snapshot hook, so a restored function answers from a built app — or else by the first invocation, which
``prime`` also warms with what the function's first requests load (PyJWT, the orbit core, boto3)."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from shared.observability import get_tracer, logger, metrics, xray_sdk_enabled
from shared.snapstart import before_snapshot


def lambda_handler(adapter: Callable[[dict, Any], dict]) -> Callable[[dict, Any], dict]:
    def invoke(event: dict, context: Any) -> dict:
        return adapter(event, context)

    if xray_sdk_enabled():
        invoke = get_tracer().capture_lambda_handler(capture_response=False)(invoke)
    return logger.inject_lambda_context(clear_state=True)(metrics.log_metrics(invoke))


class LazyAsgiAdapter:
    """Mangum over ``functions.<function>.app``'s ``app``, imported on first use (``adapter()``)."""

    def __init__(self, function: str) -> None:
        self.function = function
        self.app_module = f"functions.{function}.app"
        self._adapter: Callable[[dict, Any], dict] | None = None
        self._lock = threading.Lock()

    def adapter(self) -> Callable[[dict, Any], dict]:
        if self._adapter is None:
            with self._lock:
                if self._adapter is None:
                    from mangum import Mangum

                    self._adapter = Mangum(importlib.import_module(self.app_module).app, lifespan="off")
        return self._adapter

    def prime(self) -> None:
        """Builds the app and routes one path through it (``route_once``), runs the app module's own ``prime()`` if
        it has one (the docs build their documents),
        imports the modules its requests load lazily (``warm_modules``) and makes its SDK clients once, so that the
        service models they parse are in the snapshot (``shared.aws.client``)."""
        self.adapter()
        route_once(importlib.import_module(self.app_module).app)
        own = getattr(importlib.import_module(self.app_module), "prime", None)
        if callable(own):
            own()
        for module in warm_modules(self.function):
            importlib.import_module(module)
        spec = importlib.import_module(f"functions.{self.function}.spec").SPEC
        services = [name for name, used in (("dynamodb", spec.tables), ("s3", spec.buckets)) if used]
        if services:  # their models parsed once and kept by the snapshot; the clients are dropped on restore
            from shared.aws import client

            for service in services:
                client(service)

    def __call__(self, event: dict, context: Any) -> dict:
        return self.adapter()(event, context)


def route_once(app: Any) -> None:
    """Matches a path against every route of the app: FastAPI prepares an included router's routes on their first
    match (≈ 0.1 s for a catalogue function), which so happens before the snapshot instead of in the first
    request. Nothing runs: no middleware, no endpoint. An app without routes of its own (the docs' dispatcher) is
    left as it is."""
    scope = {"type": "http", "path": "/", "root_path": "", "method": "GET", "headers": [], "query_string": b""}
    for route in getattr(app, "routes", ()):
        route.matches(scope)


def warm_modules(function: str) -> tuple[str, ...]:
    """What the requests of ``functions.<function>`` import lazily, from its spec: PyJWT with the signing key,
    the orbit core with the orbit layer, boto3 with any table or bucket."""
    spec = importlib.import_module(f"functions.{function}.spec").SPEC
    modules = []
    if spec.needs_jwt_secret:
        modules.append("jwt")
    if spec.needs_orbit_layer:
        modules += ["numpy", "groundlink_orbit", "shared.domain.scheduling.passes", "shared.domain.catalog.position"]
    if spec.tables or spec.buckets:
        modules += ["boto3", "boto3.dynamodb.types"]
    return tuple(modules)


def http_handler(function: str) -> Callable[[dict, Any], dict]:
    """The handler of the HTTP function group ``functions.<function>``; its ``prime`` runs before a SnapStart
    snapshot (``shared.snapstart``), or when called."""
    lazy = LazyAsgiAdapter(function)
    before_snapshot(lazy.prime)
    handler = lambda_handler(lazy)
    handler.prime = lazy.prime  # type: ignore[attr-defined]
    return handler
