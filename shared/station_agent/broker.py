"""The station's side of the command broker's HTTP API (``/stations/v1``) and the catalogue reads it needs
(element sets, transmitters, its own location), authenticated with the station's API token."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class BrokerUnavailable(Exception):
    """The broker could not be reached or answered 5xx/429: try again later."""


class BrokerRefused(Exception):
    """The broker answered 4xx: retrying the same request will not help."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class BrokerClient:
    def __init__(self, base_url: str, token: str, timeout_s: float = 15.0) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                detail = json.loads(raw)
            except ValueError:
                detail = raw.decode(errors="replace")[:500]
            if err.code >= 500 or err.code == 429:
                raise BrokerUnavailable(f"{method} {path}: HTTP {err.code}") from err
            raise BrokerRefused(err.code, detail) from err
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise BrokerUnavailable(f"{method} {path}: {err}") from err

    def commands(self) -> dict[str, Any]:
        """Upcoming contacts; the poll is the station's heartbeat."""
        return dict(self._call("GET", "/stations/v1/commands"))

    def station(self, gs_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/orbapi/gs/id/{urllib.parse.quote(gs_id)}")["data"][0])

    def element_set(self, norad_id: int) -> dict[str, Any]:
        return dict(self._call("GET", f"/orbapi/tles/id/{norad_id}")["data"][0])

    def transmitters(self, norad_id: int) -> list[dict[str, Any]]:
        try:
            return list(self._call("GET", f"/orbapi/transmitters/id/{norad_id}")["data"])
        except BrokerRefused as refused:
            if refused.status == 404:
                return []
            raise

    def downlink_url(self, booking_id: int, name: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/stations/v1/contacts/{booking_id}/downlink-url", {"name": name}))

    def report(self, booking_id: int, result: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("POST", f"/stations/v1/contacts/{booking_id}/result", result))


def put_file(url: str, data: bytes, timeout_s: float = 120.0) -> None:
    """Upload through a presigned PUT URL; BrokerUnavailable when it cannot be done now (retried with a fresh
    URL), BrokerRefused when the storage refuses it for good."""
    # an explicit type: urllib's default (form-encoded) makes some S3 front ends parse the body away
    req = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            resp.read()
    except urllib.error.HTTPError as err:
        if 400 <= err.code < 500 and err.code not in (403, 408, 429):  # 403: an expired URL, fetched anew
            raise BrokerRefused(err.code, err.read().decode(errors="replace")[:300]) from err
        raise BrokerUnavailable(f"upload answered HTTP {err.code}") from err
    except (urllib.error.URLError, OSError) as err:
        raise BrokerUnavailable(f"upload failed: {err}") from err
