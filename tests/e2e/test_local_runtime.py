"""End to end: start ``python -m infra.local`` on free ports, mint a token with the CLI, call the
platform over HTTP, compare bodies with the seeds' shapes, stop it with Ctrl-C (SIGINT)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.runtime import start_runtime

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDLINK_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


runtime = pytest.fixture(scope="module")(start_runtime)


def cli(*args: str, env_extra: dict | None = None) -> str:
    out = subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env={**_env(), **(env_extra or {})},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def call(url: str, token: str | None = None) -> tuple[int, dict, dict]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_banner_prints_urls_and_credentials(runtime):
    banner = runtime.banner
    assert f"{runtime.base}/orbapi/gs" in banner and "dsn_live_" in banner and "JWT" in banner
    assert "demo stations: 14 stored, 0 rejected" in banner


def test_cli_token_reads_ground_stations_in_seed_shape(runtime):
    token = cli("token", "--subject", "demo", "--scopes", "passes:read")
    status, headers, body = call(f"{runtime.base}/orbapi/gs", token)
    assert status == 200 and body["total"] == 14
    assert set(body["data"][0]) == {"id", "description", "latitude", "longitude", "altitude"}
    assert headers.get("x-request-id")


def test_every_surface_answers_with_its_own_errors(runtime):
    token = cli("token", "--subject", "demo", "--scopes", "sites.view")
    status, _, body = call(f"{runtime.base}/api/v1/sites/3", token)
    assert status == 200 and body["acronym"] == "ESR" and isinstance(body["latitude"], str)
    status, headers, body = call(f"{runtime.base}/api/v1/spacecraft", token)
    assert status == 403 and body["trace_id"] == headers["x-request-id"]
    status, _, body = call(f"{runtime.base}/orbapi/gs/id/nope", token)
    assert (status, body) == (404, {"error": "ground station nope not found"})
    status, _, body = call(f"{runtime.base}/health", token)
    assert status == 200 and body["services"]["database"] == "healthy"
    status, _, body = call(f"{runtime.base}/orbapi/no-such-route")
    assert status == 404 and "error" in body


def test_cli_import_reaches_the_running_platform(runtime, tmp_path):
    stations = [{"id": "900", "name": "Test Station", "acronym": "TST", "description": "E2E test dish",
                 "latitude": 10.5, "longitude": -20.25, "altitude": 42}]
    path = tmp_path / "stations.json"
    path.write_text(json.dumps(stations))
    report = json.loads(cli("import-stations", str(path), env_extra={"GROUNDLINK_AWS_ENDPOINT_URL": runtime.moto}))
    assert report["stored"] == 1 and report["errors"] == []
    token = cli("token", "--subject", "demo", "--scopes", "passes:read")
    status, _, body = call(f"{runtime.base}/orbapi/gs/id/900", token)
    assert status == 200 and body["data"] == [{"id": "900", "description": "E2E test dish", "latitude": 10.5,
                                                "longitude": -20.25, "altitude": 42}]


def test_ctrl_c_stops_cleanly(runtime):
    code, output = runtime.stop()
    assert code == 0 and "Groundlink stopped." in output
