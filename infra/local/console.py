"""The operator console on the local runtime: the static files ``make console`` builds into ``console/dist``,
served at ``/console/`` next to the APIs (same origin, so the console calls them without CORS). Every other path
goes to the gateway unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.staticfiles import StaticFiles

CONSOLE_PATH = "/console/"
CONSOLE_DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]


def _text(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode(), v.decode()) for k, v in headers]


def console_built(dist: Path = CONSOLE_DIST) -> bool:
    return (dist / "index.html").is_file() and (dist / "app.js").is_file()


def with_console(app: Any, dist: Path = CONSOLE_DIST) -> Any:
    """``app`` with the console's files at ``/console/`` (``/console`` redirects there)."""
    files = StaticFiles(directory=dist, html=True, check_dir=False)

    async def serve(scope, receive, send):
        if scope["type"] != "http" or not (scope["path"] == "/console" or scope["path"].startswith(CONSOLE_PATH)):
            await app(scope, receive, send)
            return
        if scope["path"] == "/console":
            await RedirectResponse(CONSOLE_PATH, status_code=308)(scope, receive, send)
            return
        if not console_built(dist):
            await PlainTextResponse("the console is not built: run `make console` (npm ci and the build in console/)",
                                    status_code=503)(scope, receive, send)
            return
        if scope["path"] == f"{CONSOLE_PATH}config.json" and not (dist / "config.json").is_file():
            # locally the APIs are on this origin (a deployment writes its API's URL here)
            await JSONResponse({"apiUrl": ""}, headers=dict(_text(SECURITY_HEADERS)))(scope, receive, send)
            return
        sub = {**scope, "path": scope["path"][len(CONSOLE_PATH) - 1:], "root_path": ""}

        async def secured(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await files(sub, receive, secured)
        except HTTPException as exc:  # StaticFiles outside a Starlette app raises its 404/405
            await PlainTextResponse(exc.detail, status_code=exc.status_code)(scope, receive, send)

    return serve
