"""Every surface's OpenAPI document and docs page (``shared.surfaces.docs``): one app per surface, so each
answers errors in its own surface's format, behind a dispatcher on the surface's base path."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shared.http import create_app
from shared.surfaces.docs import docs_router, paths

SURFACES = ("spacego", "orbapi", "ssa", "pipeline", "satnogs")


def surface_app(surface: str) -> FastAPI:
    app = create_app(surface, f"Groundlink {surface} API documentation")
    app.include_router(docs_router(surface))
    return app


class SurfaceDispatch:
    """ASGI app: sends a request to the app of the surface whose base path it is under (the SSA root last)."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.apps = apps
        prefixes = [(paths(s)["docs"].removesuffix("/docs"), s) for s in apps]
        self.prefixes = sorted(prefixes, key=lambda p: -len(p[0]))

    def app_for(self, path: str) -> FastAPI:
        for prefix, surface in self.prefixes:
            if not prefix or path == prefix or path.startswith(prefix + "/"):
                return self.apps[surface]
        return self.apps["ssa"]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        await self.app_for(scope.get("path", "/"))(scope, receive, send)


apps = {surface: surface_app(surface) for surface in SURFACES}
app = SurfaceDispatch(apps)


def prime() -> None:
    """Before a SnapStart snapshot: every surface's OpenAPI document built (each is built once per process)."""
    from shared.surfaces.openapi import surface_document_json

    for surface in SURFACES:
        surface_document_json(surface)
