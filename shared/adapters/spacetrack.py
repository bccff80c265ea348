"""The Space-Track ``ElementSetSource`` (``shared.domain.jobs.ports``): element-set history from
https://www.space-track.org's API, with the standard library only.

One session per client: ``POST {url}/ajaxauth/login`` (form ``identity``, ``password``) sets the session
cookie; a refused login answers 200 with ``{"Login":"Failed"}`` (or 401). The history is one query for every
satellite asked for (Space-Track limits requests to 30 a minute):
``GET {url}/basicspacedata/query/class/gp_history/NORAD_CAT_ID/{ids}/EPOCH/{start}--{end}/orderby/EPOCH asc/
format/tle`` (2-line sets, oldest first). An expired session (401) logs in again once.

Whatever goes wrong becomes ``Unavailable`` with a sentence; the transport's own text is only logged.
"""

from __future__ import annotations

import http.cookiejar
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import datetime

from shared.domain.catalog.models import ElementSetRecord
from shared.domain.catalog.service import element_set_record
from shared.domain.errors import Unavailable

logger = logging.getLogger("groundlink.adapters.spacetrack")

DEFAULT_URL = "https://www.space-track.org"
SOURCE = "spacetrack"
UNREACHABLE = "Space-Track could not be reached; please retry later"
REFUSED = "Space-Track refused this deployment's credentials; please retry later or ask the operator to check them"
BUSY = "Space-Track is busy (request limit reached); please retry later"
BAD_ANSWER = "Space-Track answered with something that is not element-set history; please retry later"
RETRY_AFTER_S = 60.0  # Space-Track's request limits are per minute
_EPOCH = "%Y-%m-%d"  # the service asks whole UTC days (midnight bounds), inclusive


class _LoginRefused(Exception):
    pass


class SpaceTrackClient:
    def __init__(self, identity: str, password: str, *, url: str = DEFAULT_URL, timeout_s: float = 10.0) -> None:
        self._identity = identity
        self._password = password
        self._url = url.rstrip("/")
        self._timeout_s = timeout_s
        self._cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))
        self._logged_in = False

    # -- ElementSetSource ---------------------------------------------------------------------------
    def history(self, norad_ids: Sequence[int], start: datetime, end: datetime) -> dict[int, list[ElementSetRecord]]:
        if not norad_ids:
            return {}
        try:
            text = self._query(self._history_path(norad_ids, start, end))
        except _LoginRefused:
            logger.warning("Space-Track refused the login")
            raise Unavailable(REFUSED, retry_after_s=RETRY_AFTER_S) from None
        except urllib.error.HTTPError as exc:
            logger.warning("Space-Track answered an error", extra={"status": exc.code})
            raise Unavailable(BUSY if exc.code == 429 else UNREACHABLE, retry_after_s=RETRY_AFTER_S) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            logger.warning("Space-Track unreachable", extra={"error": type(exc).__name__})
            raise Unavailable(UNREACHABLE, retry_after_s=RETRY_AFTER_S) from None
        return self._parse(text)

    # -- the current catalogue (the scheduled refresh) -------------------------------------------------
    GP_PATH = ("/basicspacedata/query/class/gp/decay_date/null-val/epoch/%3Enow-30"
               "/orderby/norad_cat_id/format/json")
    """Space-Track's recommended query for the current catalogue: every object on orbit with an element set of the
    last 30 days, newest set each, as OMM JSON — one request (their limits: 30 a minute, 300 an hour; the GP
    class at most once an hour)."""

    def gp_document(self) -> bytes:
        try:
            return self._query(self.GP_PATH).encode()
        except _LoginRefused:
            logger.warning("Space-Track refused the login")
            raise Unavailable(REFUSED, retry_after_s=RETRY_AFTER_S) from None
        except urllib.error.HTTPError as exc:
            logger.warning("Space-Track answered an error", extra={"status": exc.code})
            raise Unavailable(f"{BUSY if exc.code == 429 else UNREACHABLE} (HTTP {exc.code})",
                              retry_after_s=RETRY_AFTER_S) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            logger.warning("Space-Track unreachable", extra={"error": type(exc).__name__})
            raise Unavailable(UNREACHABLE, retry_after_s=RETRY_AFTER_S) from None

    # -- transport ----------------------------------------------------------------------------------
    def _history_path(self, norad_ids: Sequence[int], start: datetime, end: datetime) -> str:
        ids = ",".join(str(n) for n in norad_ids)
        epochs = f"{start.strftime(_EPOCH)}--{end.strftime(_EPOCH)}"
        path = (f"/basicspacedata/query/class/gp_history/NORAD_CAT_ID/{ids}/EPOCH/{epochs}"
                f"/orderby/EPOCH asc/format/tle")
        return urllib.parse.quote(path, safe="/,-")

    def _login(self) -> None:
        form = urllib.parse.urlencode({"identity": self._identity, "password": self._password}).encode()
        request = urllib.request.Request(f"{self._url}/ajaxauth/login", data=form, method="POST")
        try:
            with self._opener.open(request, timeout=self._timeout_s) as response:
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 401, 403):
                raise _LoginRefused from None
            raise
        if _login_failed(body) or not any(True for _ in self._cookies):
            raise _LoginRefused
        self._logged_in = True

    def _query(self, path: str) -> str:
        for attempt in range(2):
            if not self._logged_in:
                self._login()
            try:
                with self._opener.open(f"{self._url}{path}", timeout=self._timeout_s) as response:
                    return str(response.read().decode("ascii", "replace"))
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and attempt == 0:  # the session expired: log in again, once
                    self._logged_in = False
                    self._cookies.clear()
                    continue
                if exc.code == 401:
                    raise _LoginRefused from None
                raise
        raise _LoginRefused  # pragma: no cover - the loop always returns or raises

    @staticmethod
    def _parse(text: str) -> dict[int, list[ElementSetRecord]]:
        from groundlink_orbit import parse_tle_text

        if text.lstrip().startswith(("{", "[")):  # an error document instead of TLE text
            logger.warning("Space-Track answered JSON to a TLE query")
            raise Unavailable(BAD_ANSWER, retry_after_s=RETRY_AFTER_S)
        report = parse_tle_text(text)
        if report.errors:
            logger.warning("Space-Track element sets skipped", extra={"errors": len(report.errors)})
        out: dict[int, list[ElementSetRecord]] = {}
        for es in report.element_sets:
            out.setdefault(es.norad_id, []).append(element_set_record(es, source=SOURCE, uploaded_by=SOURCE))
        for records in out.values():
            records.sort(key=lambda r: r.epoch)
        return out


def _login_failed(body: str) -> bool:
    try:
        answer = json.loads(body) if body.strip() else None
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("Login") == "Failed"
