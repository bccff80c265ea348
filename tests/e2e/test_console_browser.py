"""End to end in a real browser: the operator console (console/, served by the local runtime at /console/) in
headless Chromium — Debian's ``chromium`` driven by playwright-core from console/node_modules, no browser
download. The browser signs in (an SSA account, then an OAuth client), searches a satellite, opens a pass and
draws its sky plot, books it, finds it on the timeline, cancels it, shows the station map, runs a pass analysis and
a maneuver detection (tests/e2e/console/browser_flow.mjs). Here its report is checked against what the APIs
themselves answer. Before it runs, an operator imports a recent ISS history with ``groundlink import-tle``: the real
February 2023 sets with the 2023-02-20 reboost, their epochs moved into the last 30 days (the maneuver API's
look-back; tests/support/shifted_history.py), so the maneuver plot has history and a burn to show.
Screenshots go to tests/e2e/artifacts/console/ (not committed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.runtime import ROOT, call, cli
from tests.support.shifted_history import ShiftedHistory, recent_iss_history

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


def fetch_json(runtime, method: str, path: str, token: str | None = None, body: dict | None = None,
               form: dict | None = None) -> dict:
    """A call that must succeed: its JSON body."""
    status, answer = call(method, runtime.base + path, token, body, form=form)
    assert status < 300, f"{method} {path}: {status} {answer}"
    return answer


def demo_jwt(runtime) -> str:
    return re.search(r"JWT \(all scopes, 12 h\): (\S+)", runtime.banner).group(1)


@pytest.fixture(scope="module")
def iss_history(runtime, tmp_path_factory) -> tuple[ShiftedHistory, dict]:
    """A recent ISS history, imported as an operator would (the CLI next to ``make run``): the real sets of
    February 2023, moved to end yesterday; the import's JSON report."""
    history = recent_iss_history(datetime.now(UTC))
    path = tmp_path_factory.mktemp("tle") / "25544_iss_2023-02_shifted.tle"
    path.write_text(history.text)
    report = json.loads(cli(runtime, "import-tle", str(path), "--source", "iss-2023-02-shifted",
                            "--uploaded-by", "console-e2e"))
    return history, report


@pytest.fixture(scope="module")
def flow(runtime, iss_history):
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)
    admin = demo_jwt(runtime)
    fetch_json(runtime, "POST", "/auth/register",
               body={"email": "console@example.org", "name": "Console Ops", "password": PASSWORD})
    client = fetch_json(runtime, "POST", "/admin/oauth-clients", admin,
                        {"name": "console e2e", "scopes": ["passes:read", "bookings", "contacts", "spacecraft",
                                                           "sites"]})
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    env = {**os.environ, "CONSOLE_URL": f"{runtime.base}/console/", "GL_EMAIL": "console@example.org",
           "GL_PASSWORD": PASSWORD, "GL_CLIENT_ID": client["clientId"], "GL_CLIENT_SECRET": client["clientSecret"],
           "GL_ARTIFACTS": str(ARTIFACTS), "CHROMIUM": CHROMIUM}
    proc = subprocess.run(["node", str(FLOW)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    if ARTIFACTS.is_dir():
        (ARTIFACTS / "report.json").write_text(json.dumps(report, indent=1))
    assert proc.returncode == 0, f"{report.get('error')}\nsteps: {report.get('steps')}\n{proc.stderr[-3000:]}"
    token = fetch_json(runtime, "POST", "/oauth2/token",
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
    bookings = fetch_json(runtime, "GET", "/orbapi/bookings", token)["bookings"]
    mine = next(b for b in bookings if b["bookingId"] == booking_id)
    assert mine["status"] == "Cancelled" and mine["slots"][0]["gsId"] == report["pass"]["station"]
    assert mine["slots"][0]["start"] == report["pass"]["aos"]


def test_the_station_map_shows_every_demo_station(runtime, flow):
    report, token = flow
    stations = fetch_json(runtime, "GET", "/orbapi/gs?limit=100", token)
    ids = sorted(s["id"] for s in stations["data"])
    assert sorted(d["id"] for d in report["stationDots"]) == ids and len(ids) == stations["total"] >= 10
    statuses = {s: fetch_json(runtime, "GET", f"/orbapi/gs/id/{s}/status", token)["status"] for s in ids}
    assert {d["id"]: d["status"] for d in report["stationDots"]} == statuses
    assert report["stationRows"] == len(ids)
    for name in ("passes-skyplot", "schedule-timeline", "schedule-cancelled", "stations-map"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10000


def test_a_pass_analysis_over_a_drawn_polygon(flow):
    report, _ = flow
    analysis = report["analysis"]
    assert analysis["drawn"].endswith("Z")  # the typed triangle, closed
    [(norad, access, windows)] = analysis["rows"]
    api = report["analysisApi"]
    assert norad == "25544" and access == f"{api['access']} / {api['points']}" and int(windows) == api["windows"]
    assert api["points"] > 50 and analysis["tiles"] == api["points"]  # one coverage tile per ground point


def test_the_imported_history_is_stored_whole(iss_history):
    history, imported = iss_history
    # 139 sets read; the source repeats one verbatim (epoch 23041.56335622): stored once, the copy left as it was
    assert (imported["read"], imported["stored"], imported["duplicates"], imported["errors"]) == (139, 138, 1, [])
    # the last set falls on yesterday's UTC date (any time of that day): none in the future, all within 30 days
    now = datetime.now(UTC)
    assert now - timedelta(days=2) < history.last_epoch < now and history.first_epoch > now - timedelta(days=30)


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def test_the_maneuver_plot_shows_sma_and_inclination_with_the_reboost_marked(flow, iss_history):
    """The console's default period (the last 29 days) holds the whole imported history: every set is a point of
    both charts at its own time and value, and each burn the API detected is marked at its time — between the two
    sets it was found between. The 2023-02-20 reboost (Interfax: 1.8 m/s) is among them, moved by the shift."""
    report, _ = flow
    history, _ = iss_history
    plot, api = report["maneuver"], report["maneuverApi"]
    # the 138 stored sets, one per epoch (the detector keeps one of the two solutions at 23050.90915690)
    assert api["insufficient"] is None and len(api["epochs"]) == 137
    epochs = [datetime.fromisoformat(e) for e in api["epochs"]]
    assert history.first_epoch - timedelta(seconds=1) <= min(epochs) and max(epochs) <= history.last_epoch
    assert plot["sma"]["title"] == "Semi-major axis (km)" and plot["inc"]["title"] == "Inclination (°)"
    for chart, values in ((plot["sma"], api["sma"]), (plot["inc"], api["inc"])):
        assert [p["time"] for p in chart["points"]] == api["epochs"]  # one point per element set, in time order
        assert [p["value"] for p in chart["points"]] == values
        xs = [p["x"] for p in chart["points"]]
        assert xs == sorted(xs) and xs[-1] - xs[0] > 500  # spread over the chart's width
    assert 6780 < min(api["sma"]) < max(api["sma"]) < 6810 and 51.6 < min(api["inc"]) <= max(api["inc"]) < 51.7

    assert len(api["maneuvers"]) > 0
    for chart in (plot["sma"], plot["inc"]):
        assert [b["time"] for b in chart["burns"]] == [m["time"] for m in api["maneuvers"]]
        first, last = chart["points"][0], chart["points"][-1]
        t0, span = seconds(first["time"]), seconds(last["time"]) - seconds(first["time"])
        for burn, m in zip(chart["burns"], api["maneuvers"], strict=True):
            assert (burn["label"], burn["kind"]) == (f"Δv {m['deltaV']:.2f} m/s", m["type"])
            # on the charts' time axis (the one the points are drawn on) at the detected time
            expected_x = first["x"] + (seconds(m["time"]) - t0) / span * (last["x"] - first["x"])
            assert abs(burn["x"] - expected_x) < 0.3, (burn, m)
    # the reboost is the one in-plane burn above 0.5 m/s; the detector also reports out-of-plane steps where the
    # ISS fits scatter in inclination (2023-02-18 and 2023-02-28 moved: no plane change was published then)
    [reboost] = [m for m in api["maneuvers"] if m["type"] == "sma" and m["deltaV"] > 0.5]
    when = datetime.fromisoformat(reboost["time"])
    assert history.moved(datetime(2023, 2, 19, tzinfo=UTC)) <= when < history.moved(datetime(2023, 2, 21, tzinfo=UTC))
    assert abs(reboost["deltaV"] - 1.8) < 0.36
    sma = {p["time"]: p for p in plot["sma"]["points"]}
    raised = sma[reboost["after"]]["value"] - sma[reboost["before"]]["value"]
    assert raised > 2.0 and sma[reboost["after"]]["y"] < sma[reboost["before"]]["y"]  # the orbit drawn stepping up
    assert (f"{len(api['maneuvers'])} maneuver(s) detected from {len(api['epochs'])} element set(s)"
            in plot["summary"])
    assert (ARTIFACTS / "maneuver-plot.png").stat().st_size > 10000
