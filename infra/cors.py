"""The CORS policy of the HTTP API, one definition for the CDK app and the local runtime.

Allowed origins are configuration: the CDK context ``groundlink:corsOrigins`` (a list in cdk.json, or a
comma-separated string with ``cdk synth -c``; none by default: no browser origin is allowed until one is
named), and ``GROUNDLINK_CORS_ORIGINS`` for the local runtime (comma-separated; default
``LOCAL_DEFAULT_ORIGINS``, the dev servers on localhost at any port). An origin pattern may use ``*`` for
any port or host label (``http://localhost:*``). Callers authenticate with bearer tokens, never cookies,
so credentials are not allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "Accept")
EXPOSE_HEADERS = ("Retry-After", "X-Request-Id", "Location", "Allow")
MAX_AGE_S = 3600
LOCAL_DEFAULT_ORIGINS = "http://localhost:*,http://127.0.0.1:*"
ORIGIN = re.compile(r"^(\*|https?://[A-Za-z0-9*.\-\[\]:]+)$")


def parse_origins(value: object) -> tuple[str, ...]:
    """Origin patterns from a context or environment value (a list, or a comma-separated string); a
    pattern that is not a scheme://host[:port] (or ``*``) is refused naming it."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValueError(f"CORS origins must be a list or a comma-separated string, not {value!r}")
    out: list[str] = []
    for item in items:
        text = str(item).strip().rstrip("/")
        if not text:
            continue
        if not ORIGIN.match(text):
            raise ValueError(f"CORS origin {text!r} is not of the form scheme://host[:port] (or '*')")
        out.append(text)
    return tuple(dict.fromkeys(out))


def origin_regex(patterns: Iterable[str]) -> str | None:
    """One regular expression matching every pattern that holds a ``*`` (None if none does)."""
    wild = [p for p in patterns if "*" in p and p != "*"]
    if not wild:
        return None
    return "|".join("(?:" + re.escape(p).replace(r"\*", r"[A-Za-z0-9.\-]+") + ")" for p in wild)
