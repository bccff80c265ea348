"""The real SatNOGS client against the local runtime: satnogs-client (pinned, from PyPI, in its own virtual
environment) fetches its jobs and uploads an observation's files with its own code, pointed at Groundlink's
SatNOGS station API. The booked contact must be among the jobs it scheduled, at the slot's start, with the
satellite's element set and the mission profile's frequency; the files it uploads must reach the booking client's
delivery prefix, and the audio must complete the booking.

The client's environment is built once per Python version and package pin under the temporary directory
(``groundlink-satnogs-client-…``) and reused; when PyPI cannot be reached the test is skipped, saying why."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shared.resources import DELIVERY
from shared.timefmt import iso_ms, utcnow
from tests.e2e.runtime import aws_client, call

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

HERE = Path(__file__).resolve().parent / "satnogs_client"
REQUIREMENTS = HERE / "requirements.txt"
PIN = "satnogs-client==2.1.4"
GOES_16 = 41866  # geostationary: always in view of Wallops (station 4), so a contact can start within seconds
STATION = "4"
RADIO = {"frequencyHz": 1_694_100_000, "modulation": "BPSK", "baud": 927_000}  # GOES HRIT


def client_python() -> Path:
    """The Python of satnogs-client's own virtual environment, built (under a lock) when missing."""
    assert PIN in REQUIREMENTS.read_text().splitlines()
    tag = f"{PIN.replace('==', '-')}-py{sys.version_info.major}{sys.version_info.minor}"
    home = Path(tempfile.gettempdir()) / f"groundlink-{tag}"
    python = home / "bin" / "python"
    with open(f"{home}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists():
            return python
        building = Path(f"{home}.building")
        shutil.rmtree(building, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
        pip = subprocess.run([str(building / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                              "--quiet", "-r", str(REQUIREMENTS)],
                             capture_output=True, text=True, timeout=900)
        if pip.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            pytest.skip(f"satnogs-client could not be installed from PyPI ({PIN}): "
                        + (pip.stderr.strip().splitlines() or ["pip failed"])[-1])
        building.rename(home)  # only a complete environment is ever reused
    return python


def run_client(python: Path, command: str, env: dict[str, str]) -> dict | list:
    done = subprocess.run([str(python), str(HERE / "driver.py"), command], env=env, cwd=env["HOME"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def element_set(norad_id: int) -> tuple[str, str, str]:
    """The demo data's element set of the satellite (the runtime imports exactly this file)."""
    lines = (Path(__file__).resolve().parents[2] / "shared/demo_data/satellites.tle").read_text().splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(f"1 {norad_id}U"))
    return lines[i - 1].strip(), lines[i], lines[i + 1]


def test_satnogs_client_flies_a_groundlink_contact(runtime, tmp_path):
    from shared.auth import issue_jwt

    python = client_python()
    base = runtime.base
    owner_jwt = issue_jwt("satnogs_e2e", ["passes", "bookings", "mission-profile"])
    # Given the owner's mission profile of GOES 16 stating its radio, and a booking at Wallops starting soon
    status, created = call("POST", f"{base}/orbapi/satellites/id/{GOES_16}/profiles", owner_jwt,
                           {"name": "HRIT", "profile": {"radio": RADIO}})
    assert status == 201, created
    now = utcnow()
    start, end = now + timedelta(seconds=25), now + timedelta(seconds=95)
    status, booking = call("POST", f"{base}/orbapi/bookings", owner_jwt, {
        "norad_cat_id": GOES_16, "type": "data",
        "slots": [{"start": iso_ms(start), "end": iso_ms(end), "gs_id": STATION}]})
    assert status == 201, booking
    booking_id = booking["bookingId"]
    observation = booking_id * 1000 + 1
    # And the station's own API token
    status, token = call("POST", f"{base}/admin/api-tokens", issue_jwt("ops", ["admin"]),
                         {"owner": f"station-{STATION}", "scopes": ["station"], "name": "satnogs e2e"})
    assert status in (200, 201), token

    output = tmp_path / "data"
    incomplete = output / "incomplete"
    incomplete.mkdir(parents=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "SATNOGS_NETWORK_API_URL": f"{base}/satnogs/api/", "SATNOGS_API_TOKEN": token["token"],
           "SATNOGS_STATION_ID": STATION, "SATNOGS_STATION_LAT": "37.945963", "SATNOGS_STATION_LON": "-75.461431",
           "SATNOGS_STATION_ELEV": "12", "SATNOGS_APP_PATH": str(tmp_path), "SATNOGS_OUTPUT_PATH": str(output),
           "SATNOGS_INCOMPLETE_OUTPUT_PATH": str(incomplete), "SATNOGS_LOG_LEVEL": "DEBUG"}

    # When satnogs-client fetches its jobs
    jobs = run_client(python, "jobs", env)

    # Then the contact is among the jobs it scheduled, at the slot's start, with the element set and frequency
    [job] = [j for j in jobs if j["id"] == str(observation)]
    assert datetime.fromisoformat(job["run_date"]) == datetime.fromisoformat(iso_ms(start).replace("Z", "+00:00"))
    obj = job["obj"]
    assert (obj["start"], obj["end"]) == (iso_ms(start), iso_ms(end))
    assert (obj["tle0"], obj["tle1"], obj["tle2"]) == element_set(GOES_16)
    assert (obj["frequency"], obj["mode"], obj["baud"]) == (RADIO["frequencyHz"], "BPSK", 927_000.0)
    assert obj["norad_cat_id"] == GOES_16 and obj["ground_station"] == int(STATION)
    # And its poll was the station's heartbeat
    status, seen = call("GET", f"{base}/orbapi/gs/id/{STATION}/status", owner_jwt)
    assert status == 200 and seen["online"] is True, seen

    # When the observation has begun and the client uploads what it recorded (named as its observer names them)
    time.sleep(max(0.0, (start - utcnow()).total_seconds() + 1))
    stamp = start.strftime("%Y-%m-%dT%H-%M-%S")
    audio, waterfall = os.urandom(300 * 1024), os.urandom(120 * 1024)
    frame = b"\x96\x70\x9a\x9a\x9e\x40\x60GOES frame"
    (output / f"satnogs_{observation}_{stamp}.ogg").write_bytes(audio)
    (output / f"waterfall_{observation}_{stamp}.dat").write_bytes(waterfall)
    (output / f"data_{observation}_{stamp}").write_text(json.dumps({"pdu": base64.b64encode(frame).decode()}))
    left = run_client(python, "upload", env)

    # Then the client uploaded every file (it removes each one the API accepted)
    assert left == {"left": [], "incomplete": []}, left
    # And each reached the booking client's delivery prefix, byte for byte
    s3 = aws_client(runtime, "s3")
    prefix = f"clients/satnogs_e2e/downlink/booking-{booking_id}/satnogs-{observation}/"
    expected = {f"satnogs_{observation}_{stamp}.ogg": audio, f"waterfall_{observation}_{stamp}.dat": waterfall,
                f"data_{observation}_{stamp}": frame}
    deadline = time.time() + 30
    files: list[dict] = []
    while time.time() < deadline and [f["status"] for f in files] != ["delivered"] * len(expected):
        status, listing = call("GET", f"{base}/orbapi/bookings/{booking_id}/downlink-files", owner_jwt)
        assert status == 200, listing
        files = listing["files"]
        time.sleep(0.1)
    assert sorted(f["s3Key"] for f in files) == sorted(prefix + name for name in expected), files
    assert [f["status"] for f in files] == ["delivered"] * len(expected), files
    for name, body in expected.items():
        assert s3.get_object(Bucket=DELIVERY.local_name, Key=prefix + name)["Body"].read() == body
    # And the audio completed the booking
    status, listing = call("GET", f"{base}/orbapi/bookings", owner_jwt)
    [mine] = [b for b in listing["bookings"] if b["id"] == booking_id]
    assert mine["status"] == "Completed", mine
