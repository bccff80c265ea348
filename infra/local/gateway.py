"""A local stand-in for the HTTP API: routes each request to the function group that owns the route,
using the same route table (``shared.resources.FUNCTIONS``) the CDK app gives API Gateway."""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass
from typing import Any

from shared.resources import FUNCTIONS, FunctionSpec

_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class CompiledRoute:
    method: str
    pattern: re.Pattern[str]
    literal_chars: int
    function: FunctionSpec


def _compile(path: str) -> re.Pattern[str]:
    out, last = [], 0
    for m in _PARAM.finditer(path):
        out.append(re.escape(path[last : m.start()]))
        out.append(".+" if m.group(1).endswith("+") else "[^/]+")
        last = m.end()
    out.append(re.escape(path[last:]))
    # API Gateway matches a route with or without a trailing slash (route /v1/satellites serves /v1/satellites/);
    # the path reaches the function unchanged.
    slash = "/?" if path != "/" and not path.endswith("/") else ""
    return re.compile("^" + "".join(out) + slash + "$")


def surface_of(path: str) -> str:
    if path.startswith("/api/v1"):
        return "spacego"
    if path.startswith(("/orbapi", "/stations")):
        return "orbapi"
    if path in ("/pipeline", "/tasking") or path.startswith(("/pipeline/", "/tasking/")):
        return "pipeline"
    return "ssa"


class LocalGateway:
    """ASGI app: picks the most specific matching route (as API Gateway does) and calls its app."""

    def __init__(self, functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> None:
        self.routes = [
            CompiledRoute(r.method, _compile(r.path), len(_PARAM.sub("", r.path)), fn)
            for fn in functions
            for r in fn.routes
        ]
        self.routes.sort(key=lambda r: -r.literal_chars)
        self._apps: dict[str, Any] = {}
        self._fallbacks: dict[str, Any] = {}

    def app_for(self, fn: FunctionSpec) -> Any:
        if fn.name not in self._apps:
            self._apps[fn.name] = importlib.import_module(fn.app_module).app
        return self._apps[fn.name]

    def load_all(self) -> None:
        for fn in {r.function.name: r.function for r in self.routes}.values():
            self.app_for(fn)

    def _fallback(self, surface: str) -> Any:
        """An empty app of the surface, so unknown routes get that surface's 404 body."""
        if surface not in self._fallbacks:
            from shared.http import create_app

            self._fallbacks[surface] = create_app(surface, f"{surface} (no route)")
        return self._fallbacks[surface]

    def resolve(self, method: str, path: str) -> FunctionSpec | None:
        for route in self.routes:
            if route.method in (method, "ANY") and route.pattern.match(path):
                return route.function
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        fn = self.resolve(scope["method"], scope["path"])
        target = self.app_for(fn) if fn else self._fallback(surface_of(scope["path"]))
        started = time.perf_counter()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                dur_ms = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), (b"server-timing", f"app;dur={dur_ms:.2f}".encode())]
            await send(message)

        await target(scope, receive, timed_send)
