"""FastAPI app factory shared by every HTTP function group."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Request

from shared.auth import authenticate
from shared.domain.identity import Principal
from shared.errors import JSONResponse, install_error_handlers
from shared.metrics import ACTIVE_USERS, MetricsMiddleware
from shared.ratelimit import enforce_rate_limit

REQUEST_ID_HEADER = "x-request-id"

# An identifier in a path that becomes a DynamoDB key: bounded so it can never exceed a key's size.
IdPath = Annotated[str, Path(min_length=1, max_length=64)]
NoradIdPath = Annotated[int, Path(ge=1, le=999_999_999, description="NORAD catalogue number")]


class RequestIdMiddleware:
    """Pure ASGI middleware: a request id on every response (header) and in ``request.state``."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                try:
                    rid = str(uuid.UUID(value.decode("latin-1")))
                except ValueError:
                    rid = None
                break
        rid = rid or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = rid
        scope["groundlink.request_id"] = rid

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        return await self.app(scope, receive, send_with_id)


def create_app(surface: str, title: str) -> FastAPI:
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None, default_response_class=JSONResponse)
    install_error_handlers(app, surface)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(MetricsMiddleware)  # outermost of ours: times the whole request
    return app


def caller(scope: str | None = None) -> Any:
    """FastAPI dependency: the authenticated principal, optionally requiring a permission. Every
    authenticated caller is recorded in this process's active-users registry (``/debug/active-users``)."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request.headers.get("authorization"))
        enforce_rate_limit(principal, scope)
        ACTIVE_USERS.record(principal.subject)
        if scope:
            principal.require(scope)
        return principal

    # Read by the OpenAPI builder (shared.surfaces.openapi) to state the operation's security requirement.
    dependency.required_scope = scope  # type: ignore[attr-defined]
    dependency.authenticates = True  # type: ignore[attr-defined]
    return Depends(dependency)
