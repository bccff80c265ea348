"""End to end in a real browser: the operator console (console/, served by the local runtime at /console/) in
headless Chromium — Debian's ``chromium`` driven by playwright-core from console/node_modules, no browser
download. The browser signs in (an SSA account, then an OAuth client), searches a satellite, opens a pass and
draws its sky plot, books it, finds it on the timeline, cancels it, and shows the station map
(tests/e2e/console/browser_flow.mjs). Here its report is checked against what the APIs themselves answer.
Screenshots go to tests/e2e/artifacts/console/ (not committed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.runtime import ROOT, start_runtime

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLOW = ROOT / "tests/e2e/console/browser_flow.mjs"
ARTIFACTS = ROOT / "tests/e2e/artifacts/console"
PASSWORD = "P@ssw0rd!Console1"


def missing_prerequisite() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "console/node_modules/playwright-core").is_dir():
        return "console/node_modules is missing: run `make console`"
    if not (ROOT / "console/dist/index.html").is_file():
        return "the console is not built: run `make console`"
    return None


runtime = pytest.fixture(scope="module")(start_runtime)


def call(runtime, method: str, path: str, token: str | None = None, body: dict | None = None,
         form: dict | None = None) -> dict:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    elif form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(runtime.base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def demo_jwt(runtime) -> str:
    return re.search(r"JWT \(all scopes, 12 h\): (\S+)", runtime.banner).group(1)


@pytest.fixture(scope="module")
def flow(runtime):
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)
    admin = demo_jwt(runtime)
    call(runtime, "POST", "/auth/register",
         body={"email": "console@example.org", "name": "Console Ops", "password": PASSWORD})
    client = call(runtime, "POST", "/admin/oauth-clients", admin,
                  {"name": "console e2e", "scopes": ["passes:read", "bookings", "contacts", "spacecraft", "sites"]})
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    env = {**os.environ, "CONSOLE_URL": f"{runtime.base}/console/", "GL_EMAIL": "console@example.org",
           "GL_PASSWORD": PASSWORD, "GL_CLIENT_ID": client["clientId"], "GL_CLIENT_SECRET": client["clientSecret"],
           "GL_ARTIFACTS": str(ARTIFACTS), "CHROMIUM": CHROMIUM}
    proc = subprocess.run(["node", str(FLOW)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert proc.returncode == 0, f"{report.get('error')}\nsteps: {report.get('steps')}\n{proc.stderr[-3000:]}"
    token = call(runtime, "POST", "/oauth2/token",
                 form={"grant_type": "client_credentials", "client_id": client["clientId"],
                       "client_secret": client["clientSecret"]})["access_token"]
    return report, token


def test_the_banner_names_the_console_and_it_is_served_with_security_headers(runtime):
    assert f"{runtime.base}/console/" in runtime.banner
    with urllib.request.urlopen(f"{runtime.base}/console/", timeout=30) as resp:
        html = resp.read().decode()
        headers = {k.lower(): v for k, v in resp.headers.items()}
    assert "Groundlink console" in html and "http://" not in html and "https://" not in html
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    with urllib.request.urlopen(f"{runtime.base}/console/coastline.json", timeout=30) as resp:
        rings = json.loads(resp.read())
    assert len(rings) > 100 and all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)


def test_sign_in_search_and_the_sky_plot_is_drawn_from_the_apis_track(flow):
    report, _ = flow
    assert report["steps"] == ["signed in", "passes listed", "sky plot drawn", "booked", "cancelled", "stations shown",
                               "analyses shown"]
    assert "SSA account console@example.org" in report["who"] and "OAuth client oauth-" in report["who"]
    assert report["satellite"] == "NOAA 20 (43013)"
    assert report["passRows"] == report["apiPasses"] > 0
    assert "days old" in report["freshness"] and "Element set: epoch" in report["freshness"]
    sky, track = report["skyPlot"], report["pass"]["apiTrack"]
    # every point of the API's polar track is drawn, in order, at its own azimuth and elevation
    assert sky["trackPoints"] == report["pass"]["apiTrackPoints"] == len(track) >= 2
    for title, (az, el) in zip(sky["pointTitles"], track, strict=True):
        assert f"az {az}° el {el}°" in title
    assert sky["pathD"].count("L") == len(track) - 1
    aos, los = report["pass"]["aos"], report["pass"]["los"]
    assert sky["marks"][0] == f"AOS {aos[11:19]}" and sky["marks"][-1] == f"LOS {los[11:19]}"
    assert sky["marks"][1].startswith("MAX ")
    assert sky["mask"] == "horizon mask 10°"
    assert sky["groundTrackD"] and "NaN" not in sky["groundTrackD"] and sky["coastline"] > 10000
    assert report["consoleErrors"] == [e for e in report["consoleErrors"] if "409" in e]  # only the refused rebooking
    assert report["outsideRequests"] == []  # nothing leaves the local runtime: no CDN


def test_the_booking_is_made_refused_twice_found_on_the_timeline_and_cancelled(runtime, flow):
    report, token = flow
    booking_id = report["bookingId"]
    assert booking_id > 0 and f"booking {booking_id}" in report["bookingAnswer"]
    assert "days old" in report["bookingAnswer"]  # the element set's age, next to the booking
    assert "409" in report["conflict"]
    assert f"ground station {report['pass']['station']} is already reserved" in report["conflict"]
    assert report["timelineState"] != "Cancelled" and report["cancelledState"] == "Cancelled"
    assert report["cancelStatus"] == f"Booking {booking_id} cancelled"
    bookings = call(runtime, "GET", "/orbapi/bookings", token)["bookings"]
    mine = next(b for b in bookings if b["bookingId"] == booking_id)
    assert mine["status"] == "Cancelled" and mine["slots"][0]["gsId"] == report["pass"]["station"]
    assert mine["slots"][0]["start"] == report["pass"]["aos"]


def test_the_station_map_shows_every_demo_station(runtime, flow):
    report, token = flow
    stations = call(runtime, "GET", "/orbapi/gs?limit=100", token)
    ids = sorted(s["id"] for s in stations["data"])
    assert sorted(d["id"] for d in report["stationDots"]) == ids and len(ids) == stations["total"] >= 10
    statuses = {s: call(runtime, "GET", f"/orbapi/gs/id/{s}/status", token)["status"] for s in ids}
    assert {d["id"]: d["status"] for d in report["stationDots"]} == statuses
    assert report["stationRows"] == len(ids)
    for name in ("passes-skyplot", "schedule-timeline", "schedule-cancelled", "stations-map"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10000


def test_a_pass_analysis_over_a_drawn_polygon_and_a_maneuver_plot(flow):
    report, _ = flow
    analysis = report["analysis"]
    assert analysis["drawn"].endswith("Z")  # the typed triangle, closed
    [(norad, access, windows)] = analysis["rows"]
    api = report["analysisApi"]
    assert norad == "25544" and access == f"{api['access']} / {api['points']}" and int(windows) == api["windows"]
    assert api["points"] > 50 and analysis["tiles"] == api["points"]  # one coverage tile per ground point
    maneuver, api = report["maneuver"], report["maneuverApi"]
    assert maneuver["smaPoints"] == maneuver["incPoints"] == api["epochs"]  # one point per element set
    assert maneuver["burns"] == api["maneuvers"]  # each detected burn marked
    assert f"{api['maneuvers']} maneuver(s) detected from {api['epochs']} element set(s)" in maneuver["summary"]
    if api["insufficient"]:  # the demo catalogue holds one months-old set: the API's reason is shown
        assert api["insufficient"] in maneuver["summary"]
