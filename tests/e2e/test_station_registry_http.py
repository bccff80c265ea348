"""End to end: the station registry on the local runtime, the CLI writing it into the runtime's tables and the
admin API and the listings reading it over HTTP."""

from __future__ import annotations

import json

import pytest

from tests.e2e.runtime import ROOT, cli, exchange, start_runtime

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

runtime = pytest.fixture(scope="module")(start_runtime)


def test_cli_loads_the_demo_bands_and_the_admin_api_and_listings_show_them(runtime):
    loaded = json.loads(cli(runtime, "station", "registry", "load",
                            str(ROOT / "shared/demo_data/station_registry.json")))
    assert loaded["loaded"] == 14
    admin = cli(None, "token", "--subject", "ops", "--scopes", "admin")
    status, _, entry = exchange("GET", f"{runtime.base}/admin/stations/4/registry", admin)
    assert status == 200 and [b["name"] for b in entry["antennas"][0]["bands"]] == ["S", "S", "X"]

    status, _, body = exchange("PUT", f"{runtime.base}/admin/stations/4/registry/status", admin,
                               {"status": "maintenance"})
    assert status == 200 and body["status"] == "maintenance"
    viewer = cli(None, "token", "--subject", "demo", "--scopes", "passes:read sites.view")
    status, _, gs = exchange("GET", f"{runtime.base}/orbapi/gs/id/4", viewer)
    assert status == 200 and gs["data"][0]["operatorStatus"] == "maintenance"
    assert "X downlink 8025–8400 MHz (11m)" in gs["data"][0]["bands"]
    status, _, site = exchange("GET", f"{runtime.base}/api/v1/sites/4", viewer)
    assert status == 200 and site["operational_status"] == "maintenance" and site["acronym"] == "WGS"
    status, _, denied = exchange("GET", f"{runtime.base}/admin/stations/4/registry", viewer)
    assert status == 403 and "admin" in denied["error"]
    status, _, body = exchange("PUT", f"{runtime.base}/admin/stations/4/registry/status", admin,
                               {"status": "paused"})
    assert status == 400 and "status" in body["error"]
