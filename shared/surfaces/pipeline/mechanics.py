"""Seed 004's API mechanics for the pipeline surface, the same in AWS and on the local runtime (the function
answers every path under ``/pipeline`` and ``/tasking``: its spec routes them all to it):

* permissions — a token without the required permission answers 401 ``NOT-AUTHORIZED`` ("you do not have
  sufficient rights"; 403 is kept for modifying internal assets, which these routes never do);
* payload size — a body over 64 KiB answers 413 ``PAYLOAD-TOO-LARGE`` before it is parsed (the body-bounds
  middleware every surface has, ``shared.http``, with the pipeline's limit);
* unknown paths — 404 ``NON-EXISTENT-ENDPOINT``; a known path with another method — 405
  ``METHOD-NOT-ALLOWED`` with an ``Allow`` header; ``OPTIONS`` — 204 with the supported methods in ``Allow``
  (the seed tells clients to use it). ``fallback_router`` is included after every other router.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import RedirectResponse
from starlette.routing import Match

from shared.domain.errors import NotAuthenticated, NotFound
from shared.domain.identity import Principal
from shared.errors import ErrorRenderer
from shared.http import caller

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

_RENDERER = ErrorRenderer("pipeline")


# -- permissions --------------------------------------------------------------------------------------------
def permitted(*permissions: str) -> Any:
    """FastAPI dependency: the authenticated caller holding any of ``permissions`` (seed 004's dotted rule),
    else 401 ``NOT-AUTHORIZED``. The first permission is the one the OpenAPI document states."""
    authenticated = caller(limited_as=permissions[0])

    def dependency(principal: Principal = authenticated) -> Principal:
        if not any(principal.allows(p) for p in permissions):
            raise NotAuthenticated(f"the token does not grant the required permission '{permissions[0]}'",
                                   code="NOT-AUTHORIZED")
        return principal

    dependency.required_scope = permissions[0]  # type: ignore[attr-defined]  # read by shared.surfaces.openapi
    dependency.authenticates = True  # type: ignore[attr-defined]
    return Depends(dependency)


def require(principal: Principal, permission: str) -> None:
    """401 ``NOT-AUTHORIZED`` unless ``principal`` holds ``permission``."""
    if not principal.allows(permission):
        raise NotAuthenticated(f"the token does not grant the required permission '{permission}'",
                               code="NOT-AUTHORIZED")


# -- unknown paths, wrong methods, OPTIONS ------------------------------------------------------------------
fallback_router = APIRouter(include_in_schema=False)


def allowed_methods(request: Request, path: str) -> list[str]:
    """The methods the app's routes serve on ``path`` (with ``OPTIONS``), or [] if none serves it."""
    methods: set[str] = set()
    probe = {**request.scope, "path": path, "method": ""}
    for route in iter_route_contexts(request.app.router.routes):  # routers included in routers too
        if not isinstance(route.original_route, APIRoute) or route.endpoint is fallback:
            continue
        match, _ = route.matches(probe)
        if match != Match.NONE:
            methods.update(route.methods or ())
    return sorted(methods | {"OPTIONS"}, key=METHODS.index) if methods else []


@fallback_router.api_route("/{rest:path}", methods=METHODS)
def fallback(request: Request) -> Response:
    """Reached when no route serves this method on this path."""
    path, method = request.url.path, request.method
    allowed = allowed_methods(request, path)
    if not allowed and path != "/" and path.endswith("/") and allowed_methods(request, path.rstrip("/")):
        return RedirectResponse(request.url.replace(path=path.rstrip("/")), status_code=307)
    if not allowed:
        raise NotFound(f"no endpoint {method} {path}", code="NON-EXISTENT-ENDPOINT")
    allow = ", ".join(allowed)
    if method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    response = _RENDERER.error(request, 405, f"{method} is not allowed on {path}; use {allow}",
                               "METHOD-NOT-ALLOWED")
    response.headers["Allow"] = allow
    return response
