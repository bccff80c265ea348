"""End to end: start ``python -m infra.local`` on free ports, mint a token with the CLI, call the
platform over HTTP, compare bodies with the seeds' shapes, stop it with Ctrl-C (SIGINT)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from tests.e2e.runtime import ROOT, cli, cli_env, exchange

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_banner_prints_urls_and_credentials(runtime):
    banner = runtime.banner
    assert f"{runtime.base}/orbapi/gs" in banner and "dsn_live_" in banner and "JWT" in banner
    assert "demo stations: 14 stored, 0 rejected" in banner
    for docs in ("/api/v1/docs", "/orbapi/docs", "/docs", "/pipeline/docs"):  # where to start, no token needed
        assert f"{runtime.base}{docs}\n" in banner
    assert "Every API endpoint needs a bearer token" in banner
    assert ("bookings and contacts: the age limit is RELAXED to 3650 days for the demo catalogue "
            "(GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS; a deployment refuses sets older than 14 days)") in banner
    assert "answers warn past 3 days" in banner


def test_banner_cli_commands_work_as_printed(runtime):
    [line] = [line for line in runtime.lines if "token --subject demo" in line]
    command = line.split()[:-5]  # "<the CLI> token --subject demo --scopes 'passes:read'"
    assert command and (command[0].endswith("groundlink") or command[-2:] == ["-m", "shared.cli"]), line
    done = subprocess.run([*command, "token", "--subject", "demo", "--scopes", "passes:read"], cwd=ROOT,
                          env=cli_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    status, _, body = exchange("GET", f"{runtime.base}/orbapi/gs", done.stdout.strip())
    assert status == 200 and body["total"] == 14
    assert f"export GROUNDLINK_AWS_ENDPOINT_URL={runtime.moto}" in runtime.banner


def test_cli_token_reads_ground_stations_in_seed_shape(runtime):
    token = cli(None, "token", "--subject", "demo", "--scopes", "passes:read")
    status, headers, body = exchange("GET", f"{runtime.base}/orbapi/gs", token)
    assert status == 200 and body["total"] == 14
    assert set(body["data"][0]) == {"id", "description", "latitude", "longitude", "altitude"}
    assert headers.get("x-request-id")


def test_every_surface_answers_with_its_own_errors(runtime):
    token = cli(None, "token", "--subject", "demo", "--scopes", "sites.view")
    status, _, body = exchange("GET", f"{runtime.base}/api/v1/sites/3", token)
    assert status == 200 and body["acronym"] == "ESR" and isinstance(body["latitude"], str)
    status, headers, body = exchange("GET", f"{runtime.base}/api/v1/spacecraft", token)
    assert status == 403 and body["trace_id"] == headers["x-request-id"]
    status, _, body = exchange("GET", f"{runtime.base}/orbapi/gs/id/nope", token)
    assert (status, body) == (404, {"error": "ground station nope not found"})
    status, _, body = exchange("GET", f"{runtime.base}/health", token)
    assert status == 200 and body["services"]["database"] == "healthy"
    status, _, body = exchange("GET", f"{runtime.base}/orbapi/no-such-route")
    assert status == 404 and "error" in body


def test_browser_preflight_and_cors_headers_over_http(runtime):
    """A dev server on localhost (any port) may call the API from a browser; other origins may not."""
    origin = "http://localhost:5173"
    status, headers, _ = exchange("OPTIONS", f"{runtime.base}/orbapi/gs", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert status == 200
    assert headers["access-control-allow-origin"] == origin
    assert set(headers["access-control-allow-methods"].split(", ")) >= {"GET", "POST", "PUT", "DELETE"}
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert headers["access-control-max-age"] == "3600"
    token = cli(None, "token", "--subject", "demo", "--scopes", "passes:read")
    status, headers, body = exchange("GET", f"{runtime.base}/orbapi/gs", token, headers={"Origin": origin})
    assert status == 200 and body["total"] == 14
    assert headers["access-control-allow-origin"] == origin
    assert "Retry-After" in headers["access-control-expose-headers"]
    status, headers, _ = exchange("OPTIONS", f"{runtime.base}/orbapi/gs", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert status == 400 and "access-control-allow-origin" not in headers


def test_cli_import_reaches_the_running_platform(runtime, tmp_path):
    stations = [{"id": "900", "name": "Test Station", "acronym": "TST", "description": "E2E test dish",
                 "latitude": 10.5, "longitude": -20.25, "altitude": 42}]
    path = tmp_path / "stations.json"
    path.write_text(json.dumps(stations))
    report = json.loads(cli(None, "import-stations", str(path),
                            env_extra={"GROUNDLINK_AWS_ENDPOINT_URL": runtime.moto}))
    assert report["stored"] == 1 and report["errors"] == []
    token = cli(None, "token", "--subject", "demo", "--scopes", "passes:read")
    status, _, body = exchange("GET", f"{runtime.base}/orbapi/gs/id/900", token)
    assert status == 200 and body["data"] == [{"id": "900", "description": "E2E test dish", "latitude": 10.5,
                                                "longitude": -20.25, "altitude": 42}]


def test_an_oauth_client_obtains_a_token_over_http_and_uses_it(runtime):
    import base64

    created = json.loads(cli(None, "oauth-client", "create", "--scopes", "sites.view passes:read", "--name", "e2e",
                             env_extra={"GROUNDLINK_AWS_ENDPOINT_URL": runtime.moto}))
    credentials = base64.b64encode(f"{created['clientId']}:{created['clientSecret']}".encode()).decode()
    status, headers, grant = exchange("POST", f"{runtime.base}/oauth2/token",
                                      form={"grant_type": "client_credentials", "scope": "sites.view"},
                                      headers={"Authorization": f"Basic {credentials}"})
    assert status == 200 and headers["cache-control"] == "no-store"
    assert (grant["token_type"], grant["scope"], grant["expires_in"]) == ("Bearer", "sites.view", 3600)
    status, _, body = exchange("GET", f"{runtime.base}/api/v1/sites/3", grant["access_token"])
    assert status == 200 and body["acronym"] == "ESR"
    status, _, body = exchange("GET", f"{runtime.base}/api/v1/spacecraft", grant["access_token"])
    assert status == 403 and "spacecraft.view" in body["detail"]  # only the granted scope
    status, headers, body = exchange("POST", f"{runtime.base}/oauth2/token", form={"grant_type": "client_credentials"},
                                     headers={"Authorization": "Basic " + base64.b64encode(b"oauth-x:y").decode()})
    assert status == 401 and headers["www-authenticate"] == 'Basic realm="groundlink"'
    assert body["error"] == "invalid_client"


@pytest.mark.parametrize("variable", ["GROUNDLINK_PORT", "GROUNDLINK_MOTO_PORT"])
def test_a_taken_port_stops_the_start_at_once_with_one_line(variable):
    """Another program (another local AWS emulator on 4566, say) holds one of the two ports: nothing starts,
    nothing is announced, one line names the port and the variable that moves it."""
    from infra.local.emulation import free_port

    ports = {"GROUNDLINK_PORT": free_port(), "GROUNDLINK_MOTO_PORT": free_port()}
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports[variable]))
        squatter.listen()
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "infra.local"], cwd=ROOT, capture_output=True, text=True,
                              env=cli_env(extra={k: str(v) for k, v in ports.items()}), timeout=60)
        elapsed = time.monotonic() - started
    assert done.returncode == 1 and done.stdout == "" and elapsed < 10
    [line] = done.stderr.splitlines()
    assert f"port {ports[variable]}" in line and "already in use" in line and f"set {variable} to a free port" in line


def test_ctrl_c_after_a_bulk_import_stops_promptly(runtime):
    """A CelesTrak file of 204 real element sets (169 new) leaves a heap of some 500 MB in the embedded AWS;
    Ctrl-C still stops at once, and "Groundlink stopped." is printed only when the process is done."""
    report = json.loads(cli(None, "import-tle", str(ROOT / "tests/fixtures/tle/active_snapshot.tle"),
                            env_extra={"GROUNDLINK_AWS_ENDPOINT_URL": runtime.moto},
                            timeout_s=600))  # the import only prepares the heap: slow on a loaded machine
    assert (report["stored"], report["duplicates"], report["errors"]) == (169, 35, [])
    asked = time.monotonic()
    code, output = runtime.stop()
    assert code == 0 and output.rstrip().endswith("Stopping Groundlink…\nGroundlink stopped.")
    said_stopped = runtime.line_times[runtime.lines.index("Groundlink stopped.\n")]
    assert runtime.exited_at is not None
    assert runtime.exited_at - said_stopped < 1.5, "the process went on after saying it had stopped"
    assert runtime.exited_at - asked < 8
