"""The local runtime's CORS: Starlette's ``CORSMiddleware`` around the gateway, configured from
``GROUNDLINK_CORS_ORIGINS`` with the policy the CDK app gives the HTTP API (``infra.cors``).

A browser's preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is answered
here, before any function group; other requests reach the gateway and, from an allowed origin, get
``Access-Control-Allow-Origin`` on their answer. An ``OPTIONS`` request without those headers is not a
preflight and goes to the gateway as any other request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from starlette.middleware.cors import CORSMiddleware

from infra.cors import EXPOSE_HEADERS, HEADERS, LOCAL_DEFAULT_ORIGINS, MAX_AGE_S, METHODS, origin_regex, parse_origins

ENV_CORS_ORIGINS = "GROUNDLINK_CORS_ORIGINS"


def local_origins(environ: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """The allowed origin patterns: ``GROUNDLINK_CORS_ORIGINS`` if set (empty: none), else the localhost
    dev servers."""
    return parse_origins(environ.get(ENV_CORS_ORIGINS, LOCAL_DEFAULT_ORIGINS))


def with_cors(app: Any, origins: tuple[str, ...] | None = None) -> Any:
    """``app`` wrapped so that browsers from ``origins`` (default: ``local_origins()``) may call it."""
    patterns = local_origins() if origins is None else origins
    exact = [p for p in patterns if "*" not in p or p == "*"]
    return CORSMiddleware(
        app,
        allow_origins=exact,
        allow_origin_regex=origin_regex(patterns),
        allow_methods=METHODS,
        allow_headers=HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=MAX_AGE_S,
    )
