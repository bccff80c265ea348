"""The one place where domain errors (``shared.domain.errors``) become each API surface's exact error body.

* ``spacego``  — ``application/problem+json`` ``{title, detail, trace_id}``
* ``orbapi``   — ``{"error": "..."}``
* ``ssa``      — ``{"detail": "...", "status_code": N}``; validation ``{"detail": [{loc, msg, type}]}`` (422)
* ``pipeline`` — ``{"error": "CODE", "errorMessage": "..."}``
* ``satnogs``  — the SatNOGS Network API's (Django REST framework) ``{"detail": "..."}``; validation 400

Every 503 carries ``Retry-After`` (whole seconds, from ``Unavailable.retry_after_s``). An AWS SDK error that
reaches here raw (a client other than DynamoDB's, whose store already converts) and is throttling or transient
becomes that same 503 through ``shared.aws.unavailable_from`` — never a 500.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse as _StarletteJSON
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.aws import unavailable_from
from shared.domain.errors import (
    Conflict,
    DependencyFailed,
    DomainError,
    InvalidField,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    TooLarge,
    TooManyRequests,
    Unavailable,
    Unprocessable,
)
from shared.observability import logger

DEFAULT_RETRY_AFTER_S = 1


class JSONResponse(_StarletteJSON):
    """Every surface's JSON body (``create_app``'s default response class), rendered by orjson: compact UTF-8,
    floats in their shortest round-trip form, like ``json`` but ~10× faster on large bodies (a 14-day pass
    search is ~400 KB). What orjson refuses — text echoed from a request with a lone surrogate, an integer beyond
    64 bits, a non-string key, a type it does not know — is rendered by ``json`` with non-ASCII escaped, so every
    body still encodes. NaN and infinities (never produced on purpose) become ``null`` rather than a 500."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


# The one mapping from a domain error to an HTTP status (most specific class first).
STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidRequest, 400),
    (NotAuthenticated, 401),
    (NotPermitted, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooLarge, 413),
    (Unprocessable, 422),
    (DependencyFailed, 424),
    (TooManyRequests, 429),
    (Unavailable, 503),
)


def status_of(exc: DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def request_id_of(request: Request) -> str:
    return getattr(request.state, "request_id", None) or request.scope.get("groundlink.request_id", "")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _loc_text(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "header", "body"):
        where, rest = parts[0], parts[1:]
        name = ".".join(rest) if rest else where
        if where == "body":
            return f"field '{name}'" if rest else "request body"
        return f"{where} parameter '{name}'"
    return ".".join(parts)


def describe_validation(errors: Sequence[dict[str, Any]]) -> str:
    """One sentence naming each invalid field and the reason."""
    out = []
    for err in errors:
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            reason = (err.get("ctx") or {}).get("error", "")
            out.append(f"request body: invalid JSON{f' ({reason})' if reason else ''}")
            continue
        out.append(f"{_loc_text(err.get('loc', ()))}: {msg}")
    return "; ".join(out) or "invalid request"


class ErrorRenderer:
    """Renders errors in one surface's format."""

    def __init__(self, surface: str) -> None:
        self.surface = surface

    def error(self, request: Request, status: int, message: str, code: str,
              retry_after_s: float | None = None) -> JSONResponse:
        rid = request_id_of(request)
        headers = {"X-Request-Id": rid} if rid else {}
        if status in (429, 503):  # how long to wait before retrying (whole seconds, at least 1)
            headers["Retry-After"] = str(max(1, math.ceil(retry_after_s or DEFAULT_RETRY_AFTER_S)))
        if self.surface == "spacego":
            body = {"title": _title(status), "detail": message, "trace_id": rid}
            return JSONResponse(body, status, headers=headers, media_type="application/problem+json")
        if self.surface == "orbapi":
            return JSONResponse({"error": message}, status, headers=headers)
        if self.surface == "ssa":
            return JSONResponse({"detail": message, "status_code": status}, status, headers=headers)
        if self.surface == "satnogs":
            return JSONResponse({"detail": message}, status, headers=headers)
        return JSONResponse({"error": code, "errorMessage": message}, status, headers=headers)

    def validation(self, request: Request, errors: Sequence[dict[str, Any]]) -> JSONResponse:
        if self.surface == "ssa":
            detail = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "value_error")}
                for e in errors
            ]
            rid = request_id_of(request)
            return JSONResponse({"detail": detail}, 422, headers={"X-Request-Id": rid} if rid else None)
        in_query = all(e.get("loc", ("",))[0] == "query" for e in errors)
        if self.surface == "pipeline" and not in_query:  # seed 004: 422 when the payload fails validation
            return self.error(request, 422, describe_validation(errors), "UNPROCESSABLE-CONTENT")
        code = "INVALID-QUERY-PARAMETER" if in_query else "INVALID-REQUEST"
        return self.error(request, 400, describe_validation(errors), code)


def _unavailable_cause(exc: BaseException) -> Unavailable | None:
    """``Unavailable`` when ``exc`` or what caused it (a library may wrap the SDK's error, as Powertools
    idempotency does) is an AWS error that outlasted the SDK's retries."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, Unavailable):
            return seen
        unavailable = unavailable_from(seen)
        if unavailable is not None:
            return unavailable
        seen = seen.__cause__ or seen.__context__
    return None


_HTTP_CODES = {404: "NON-EXISTENT-ENDPOINT", 405: "METHOD-NOT-ALLOWED", 401: "NOT-AUTHORIZED"}


def install_error_handlers(app: FastAPI, surface: str) -> ErrorRenderer:
    renderer = ErrorRenderer(surface)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, InvalidField) and surface in ("ssa", "pipeline"):
            # these surfaces answer a wrong field as they answer request validation (seed 002: 422 list)
            loc = (exc.location, *exc.field.split("."))
            return renderer.validation(request, [{"loc": loc, "msg": exc.reason, "type": "value_error"}])
        status = status_of(exc)
        if status >= 500:
            logger.error("request failed", extra={"error": exc.message, "code": exc.code})
        retry_after = exc.retry_after_s if isinstance(exc, (Unavailable, TooManyRequests)) else None
        return renderer.error(request, status, exc.message, exc.code, retry_after)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return renderer.validation(request, exc.errors())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no endpoint {request.method} {request.url.path}"
        return renderer.error(request, exc.status_code, message, _HTTP_CODES.get(exc.status_code, "ERROR"))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        unavailable = _unavailable_cause(exc)
        if unavailable is not None:  # throttled or transient after the SDK's retries: the caller may retry
            logger.error("request failed", extra={"error": unavailable.message, "code": unavailable.code})
            return renderer.error(request, 503, unavailable.message, unavailable.code, unavailable.retry_after_s)
        logger.exception("unhandled error", extra={"path": request.url.path})
        return renderer.error(request, 500, "internal server error", "INTERNAL-SERVER-ERROR")

    return renderer
