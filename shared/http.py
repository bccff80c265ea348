"""FastAPI app factory shared by every HTTP function group.

Every app bounds request bodies before anything parses them (``BodyLimitMiddleware``): a body longer than
its surface's limit (``MAX_BODY_BYTES``: 1 MiB, the pipeline mechanics 64 KiB) answers 413, and JSON
nested deeper than ``MAX_JSON_DEPTH`` levels answers as that surface answers an invalid body (SSA and
pipeline 422, Space Go and orbapi 400) — in the surface's own error format, never a 500.
"""

from __future__ import annotations

import itertools
import uuid
from array import array
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Request
from starlette.concurrency import run_in_threadpool

from shared.auth import authenticate, authenticate_from_memory
from shared.domain.identity import Principal
from shared.errors import ErrorRenderer, JSONResponse, install_error_handlers
from shared.metrics import ACTIVE_USERS, MetricsMiddleware
from shared.ratelimit import enforce_rate_limit

# --- request body bounds ---------------------------------------------------------------------------
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Per-surface body limits (bytes); a surface not named here gets DEFAULT_MAX_BODY_BYTES.
MAX_BODY_BYTES: dict[str, int] = {
    "pipeline": 64 * 1024,  # seed 004: 413 PAYLOAD-TOO-LARGE beyond 64 KiB
    "satnogs": 64 * 1024 * 1024,  # a SatNOGS observation's audio, waterfall or frames (API Gateway caps it lower)
}
# No request any surface documents nests deeper than a GeoJSON polygon inside a Feature (6 levels) or a
# stored free-form JSON value (shared.jsonsafe: 10 levels) inside its wrapper.
MAX_JSON_DEPTH = 32

_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1, +1, -1, -1
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Bodies of these types are never read as JSON, so their brackets are not nesting.
_FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels in ``body`` (a body with at most ``limit``
    opening brackets cannot, and is not scanned)."""
    return body.count(b"[") + body.count(b"{") > limit and json_depth(body) > limit


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body`` (brackets inside JSON strings do not count): the
    highest running count of open brackets. Linear and recursion-free, so it is safe on any input. After a
    stray closing bracket the count runs low, which is harmless: a JSON parser reads left to right and
    stops at that bracket, before any nesting that follows it."""
    # Escapes go first (pairs, left to right, as JSON reads them), so every remaining '"' opens or closes a
    # string and the text outside strings is every other piece between quotes. Only C-speed bytes
    # operations: no regex backtracking, whatever the input.
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKETS)
    steps = array("b", brackets.translate(_STEPS))  # +1 per opening bracket, -1 per closing one
    return max(itertools.accumulate(steps, initial=0))


def body_limit_of(surface: str) -> int:
    return MAX_BODY_BYTES.get(surface, DEFAULT_MAX_BODY_BYTES)


class BodyLimitMiddleware:
    """Pure ASGI middleware: reads the request body once, refusing it before any parser sees it when it is
    longer than ``max_bytes`` (413, as soon as ``Content-Length`` or the bytes received say so) or nests
    deeper than ``max_depth``; otherwise hands the app the very bytes it read."""

    def __init__(self, app: Asgi, surface: str, max_bytes: int | None = None,
                 max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.renderer = ErrorRenderer(surface)
        self.max_bytes = body_limit_of(surface) if max_bytes is None else max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, receive, send)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                return await self.app(scope, _replay(message, receive), send)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await self._too_large(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").lower()
        if body and not content_type.startswith(_FORM_TYPES) and nests_deeper_than(body, self.max_depth):
            error = {"loc": ("body",), "msg": f"JSON nested too deeply (more than {self.max_depth} levels)",
                     "type": "value_error"}
            response = self.renderer.validation(Request(scope), [error])
            return await response(scope, receive, send)
        return await self.app(scope, _replay(_whole(body), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body exceeds the limit of {self.max_bytes} bytes"
        response = self.renderer.error(Request(scope), 413, message, "PAYLOAD-TOO-LARGE")
        await response(scope, receive, send)


def _whole(body: bytes) -> Message:
    return {"type": "http.request", "body": body, "more_body": False}


def _replay(first: Message, receive: Receive) -> Receive:
    """A ``receive`` that yields ``first`` (the body already read, as one message), then defers to the real
    one."""
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay



REQUEST_ID_HEADER = "x-request-id"

# An identifier in a path that becomes a DynamoDB key: bounded so it can never exceed a key's size.
IdPath = Annotated[str, Path(min_length=1, max_length=64)]
NoradIdPath = Annotated[int, Path(ge=1, le=999_999_999, description="NORAD catalogue number")]


class RequestIdMiddleware:
    """Pure ASGI middleware: a request id on every response (header) and in ``request.state``."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        return await self.app(scope, receive, send_with_id)


def create_app(surface: str, title: str, *, max_body_bytes: int | None = None) -> FastAPI:
    """An app answering in ``surface``'s formats; ``max_body_bytes`` defaults to the surface's limit."""
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None, default_response_class=JSONResponse)
    install_error_handlers(app, surface)
    app.add_middleware(BodyLimitMiddleware, surface=surface, max_bytes=max_body_bytes)  # inside the request id
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(MetricsMiddleware)  # outermost of ours: times the whole request
    return app


def caller(scope: str | None = None, *, limited_as: str | None = None) -> Any:
    """FastAPI dependency: the authenticated principal, optionally requiring a permission. Every
    authenticated caller is recorded in this process's active-users registry (``/debug/active-users``) and
    counted against its rate limit of the class of ``scope`` (or of ``limited_as``, for a route that checks
    its permission itself).

    It runs on the event loop when it needs to read nothing — a JWT verified before, its account's state
    remembered, a rate-limit token already leased: the warm path of a busy caller — and hands the request to a
    worker thread only when a store must be read or written (a first token, an API token, a new lease), so a
    warm request does not pay a thread hop for it."""
    limit_class = scope or limited_as

    async def dependency(request: Request) -> Principal:
        authorization = request.headers.get("authorization")
        principal = authenticate_from_memory(authorization)
        if principal is None or not enforce_rate_limit(principal, limit_class, lease=False):
            principal = await run_in_threadpool(_admitted, authorization, limit_class)
        ACTIVE_USERS.record(principal.subject)
        if scope:
            principal.require(scope)
        return principal

    # Read by the OpenAPI builder (shared.surfaces.openapi) to state the operation's security requirement.
    dependency.required_scope = scope  # type: ignore[attr-defined]
    dependency.authenticates = True  # type: ignore[attr-defined]
    return Depends(dependency)


def _admitted(authorization: str | None, limit_class: str | None) -> Principal:
    """The principal, authenticated and counted, reading and writing whatever stores that takes."""
    principal = authenticate(authorization)
    enforce_rate_limit(principal, limit_class)
    return principal
