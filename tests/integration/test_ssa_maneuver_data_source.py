"""Maneuver detection's ``force_data_source`` (seed 002) is never ignored: ``"spacetrack"`` fetches the history
from Space-Track (here a local fake server speaking its login and query API, serving real ISS element sets),
``"timescaledb"`` and an unconfigured Space-Track are 422 naming why, and Space-Track refusing or unreachable is
503 with Retry-After — in SSA's format."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from groundlink_orbit import parse_tle_text

import functions.ssa_jobs.app as jobs_app
from shared.adapters.memory.jobs import FixedClock
from shared.settings import get_settings
from shared.wiring.jobs import _spacetrack_client, build_jobs_service, jobs_service
from tests.integration.conftest import bearer

ISS_HISTORY = Path(__file__).resolve().parents[1] / "fixtures" / "tle" / "history" / "25544_iss.tle"
IDENTITY, PASSWORD = "ops@example.com", "s3cret-pass"
QUERY_PREFIX = "/basicspacedata/query/class/gp_history/NORAD_CAT_ID/"

client = TestClient(jobs_app.app, raise_server_exceptions=False)
ALICE = bearer("user-1", "ssa", extra={"email": "alice@example.com"})
FEB_5_2023 = FixedClock(datetime(2023, 2, 5, 12, tzinfo=UTC))  # the ISS fixture runs 2023-01-01..02-05


class FakeSpaceTrack(BaseHTTPRequestHandler):
    """Space-Track's login (form identity/password → session cookie; ``{"Login":"Failed"}`` otherwise) and
    its gp_history query (TLE format, filtered by NORAD ids and the EPOCH range, 401 without the cookie)."""

    sets = parse_tle_text(ISS_HISTORY.read_text()).element_sets
    log: list[str] = []
    sessions: list[str] = []  # session cookies issued and still valid

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.log.append(f"POST {self.path}")
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if self.path != "/ajaxauth/login" or form != {"identity": [IDENTITY], "password": [PASSWORD]}:
            self._send(200, '{"Login":"Failed"}')
            return
        cookie = f"chocolatechip=session{len(self.log)}"
        self.sessions.append(cookie)
        self._send(200, '""', {"Set-Cookie": f"{cookie}; path=/; HttpOnly"})

    def do_GET(self) -> None:
        path = urllib.parse.unquote(self.path)
        self.log.append(f"GET {path}")
        if self.headers.get("Cookie") not in self.sessions:
            self._send(401, '{"error":"You must be logged in to complete this action"}')
            return
        if not path.startswith(QUERY_PREFIX) or not path.endswith("/orderby/EPOCH asc/format/tle"):
            self._send(404, "not found")
            return
        ids, _, epochs = path[len(QUERY_PREFIX):].split("/")[:3]
        start, end = (datetime.fromisoformat(t).replace(tzinfo=UTC) for t in epochs.split("--"))  # inclusive
        wanted = {int(n) for n in ids.split(",")}
        lines = [f"{s.line1}\r\n{s.line2}" for s in self.sets
                 if s.norad_id in wanted and start <= s.epoch_utc <= end]
        self._send(200, "\r\n".join(lines) + "\r\n")


@pytest.fixture(scope="module")
def spacetrack() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSpaceTrack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def configure(monkeypatch: pytest.MonkeyPatch, url: str | None, identity: str = IDENTITY,
              password: str = PASSWORD) -> None:
    """The deployment's settings: Space-Track at ``url`` with these credentials (None: not configured)."""
    for name in ("IDENTITY", "PASSWORD", "URL"):
        monkeypatch.delenv(f"GROUNDLINK_SPACETRACK_{name}", raising=False)
    if url is not None:
        monkeypatch.setenv("GROUNDLINK_SPACETRACK_IDENTITY", identity)
        monkeypatch.setenv("GROUNDLINK_SPACETRACK_PASSWORD", password)
        monkeypatch.setenv("GROUNDLINK_SPACETRACK_URL", url)
        monkeypatch.setenv("GROUNDLINK_SPACETRACK_TIMEOUT_S", "2")
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def served(demo: list[Any]) -> Iterator[None]:
    jobs_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(clock=FEB_5_2023)
    FakeSpaceTrack.log.clear()
    FakeSpaceTrack.sessions.clear()
    _spacetrack_client.cache_clear()
    yield
    jobs_app.app.dependency_overrides.clear()
    get_settings.cache_clear()


def request(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"norad_ids": [25544], "start_date": "2023-01-10", "end_date": "2023-02-04",
                            "maneuver_detection_method": "ml", "force_data_source": "spacetrack",
                            "name": "ISS reboosts"}
    body.update(overrides)
    return body


def test_spacetrack_history_is_fetched_and_analysed(spacetrack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a deployment with Space-Track credentials (the ISS is not even in this deployment's catalogue's
    # history for 2023: every set analysed comes from Space-Track)
    configure(monkeypatch, spacetrack)
    # When a maneuver detection forces Space-Track
    r = client.post("/v1/manuaver/", json=request(), headers=ALICE)
    # Then the client logged in (cookie) and asked gp_history for the period, from a little before it
    assert r.status_code == 200, r.text
    assert FakeSpaceTrack.log == [
        "POST /ajaxauth/login",
        f"GET {QUERY_PREFIX}25544/EPOCH/2023-01-07--2023-02-05/orderby/EPOCH asc/format/tle"]
    # And the answer is computed from those sets: the two published ISS reboosts, said to come from Space-Track
    out = r.json()
    assert out["data_source"] == "spacetrack_api"
    reboosts = [m for m in out["maneuvers"] if m["maneuver_type"] == "sma" and m["delta_v"] > 0.5]
    assert [m["maneuver_time_utc"][:10] for m in reboosts] == ["2023-01-18", "2023-02-03"]
    assert out["total_maneuvers"] == len(out["maneuvers"]) and out["name"] == "ISS reboosts"
    assert reboosts[0]["delta_v"] == pytest.approx(0.95, rel=0.2)
    # And the request is recorded as asked, data source included
    entry = client.get("/v1/query_history/", headers=ALICE).json()["history"][0]
    assert entry["request_body"]["force_data_source"] == "spacetrack"
    assert entry["response_body"]["result"]["data_source"] == "spacetrack_api"


def test_the_session_is_kept_and_renewed_when_it_expires(spacetrack: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, spacetrack)
    body = request(start_date="2023-01-20", end_date="2023-01-25")
    assert client.post("/v1/manuaver/", json=body, headers=ALICE).status_code == 200
    # a second request reuses the session: no second login
    assert client.post("/v1/manuaver/", json=body, headers=ALICE).status_code == 200
    assert [line.split(" ")[0] for line in FakeSpaceTrack.log] == ["POST", "GET", "GET"]
    # Space-Track ends the session: the client logs in again once and the request still succeeds
    FakeSpaceTrack.sessions.clear()
    r = client.post("/v1/manuaver/", json=body, headers=ALICE)
    assert r.status_code == 200, r.text
    assert r.json()["data_source"] == "spacetrack_api"
    assert [line.split(" ")[0] for line in FakeSpaceTrack.log[3:]] == ["GET", "POST", "GET"]


def test_without_a_forced_source_the_stored_history_is_used(spacetrack: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, spacetrack)
    r = client.post("/v1/manuaver/", json=request(force_data_source=None), headers=ALICE)
    assert r.status_code == 200, r.text
    assert r.json()["data_source"] == "groundlink_element_set_history" and r.json()["total_maneuvers"] == 0
    assert FakeSpaceTrack.log == []


def test_spacetrack_without_credentials_is_422_naming_why(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, None)
    r = client.post("/v1/manuaver/", json=request(), headers=ALICE)
    assert r.status_code == 422, r.text
    [detail] = r.json()["detail"]
    assert detail["loc"] == ["body", "force_data_source"]
    assert detail["msg"] == "Space-Track credentials are not configured in this deployment"


def test_timescaledb_is_422_not_available_in_this_deployment(spacetrack: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, spacetrack)
    r = client.post("/v1/manuaver/", json=request(force_data_source="timescaledb"), headers=ALICE)
    assert r.status_code == 422, r.text
    [detail] = r.json()["detail"]
    assert detail["loc"] == ["body", "force_data_source"]
    assert "not available in this deployment" in detail["msg"]
    assert FakeSpaceTrack.log == []
    history = client.get("/v1/query_history/", headers=ALICE).json()["history"]
    assert all(e["request_body"].get("force_data_source") != "timescaledb" for e in history)


def test_login_refused_is_503_with_retry_after(spacetrack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, spacetrack, password="wrong")
    r = client.post("/v1/manuaver/", json=request(), headers=ALICE)
    assert r.status_code == 503, r.text
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json() == {"detail": "Space-Track refused this deployment's credentials; please retry later or ask "
                                  "the operator to check them", "status_code": 503}
    assert FakeSpaceTrack.log == ["POST /ajaxauth/login"]


def test_spacetrack_unreachable_is_503_with_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    configure(monkeypatch, f"http://127.0.0.1:{port}")
    r = client.post("/v1/manuaver/", json=request(), headers=ALICE)
    assert r.status_code == 503, r.text
    assert r.json() == {"detail": "Space-Track could not be reached; please retry later", "status_code": 503}
    assert int(r.headers["Retry-After"]) >= 1
