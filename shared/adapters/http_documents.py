"""Documents fetched over HTTP(S) for the catalogue's ingestion (CelesTrak GP and SATCAT files, any mirror),
with the standard library only.

A 5xx answer, 429 or a transport failure (refused, reset, timed out) is retried with exponential backoff
(``Retry-After`` honoured up to 30 s); what is still failing after ``attempts`` becomes
:class:`SourceUnavailable`, a 4xx at once :class:`SourceRefused` — both name the URL and the answer.
"""

from __future__ import annotations

import gzip
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from shared.domain.errors import DependencyFailed, Unavailable

logger = logging.getLogger("groundlink.adapters.http_documents")

MAX_BYTES = 512 * 1024 * 1024  # CelesTrak's whole GP catalogue as JSON is ~20 MB; the SATCAT CSV ~8 MB
USER_AGENT = "groundlink-catalogue-refresh"


class SourceUnavailable(Unavailable):
    """The source could not be reached or kept failing (5xx, 429, timeouts) after the retries."""


class SourceRefused(DependencyFailed):
    """The source answered a client error (404, 401…): retrying would not help."""


def _retry_after(value: str | None) -> float | None:
    try:
        return min(30.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None


def fetch_document(url: str, *, timeout_s: float = 60.0, attempts: int = 3, backoff_s: float = 1.0,
                   headers: dict[str, str] | None = None, opener: urllib.request.OpenerDirector | None = None,
                   sleep: Callable[[float], None] | None = None) -> bytes:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceRefused(f"{url}: not an http(s) URL")
    opener = opener or urllib.request.build_opener()
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip",
                                                       **(headers or {})})
        wait: float | None = None
        try:
            with opener.open(request, timeout=timeout_s) as response:
                body = bytes(response.read(MAX_BYTES + 1))
                encoding = response.headers.get("Content-Encoding", "")
            if len(body) > MAX_BYTES:
                raise SourceRefused(f"{url}: larger than {MAX_BYTES // 2**20} MiB")
            return gzip.decompress(body) if encoding == "gzip" else body
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if exc.code != 429 and exc.code < 500:
                raise SourceRefused(f"{url}: {last}") from None
            wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
        except (urllib.error.URLError, OSError, EOFError) as exc:
            reason = getattr(exc, "reason", None) or exc
            last = f"unreachable ({reason})"
        logger.warning("source fetch failed", extra={"url": url, "attempt": attempt, "error": last})
        if attempt < attempts:
            (sleep or time.sleep)(wait if wait is not None else backoff_s * 2 ** (attempt - 1))
    raise SourceUnavailable(f"{url}: {last} (after {attempts} attempts)", retry_after_s=60.0)
