"""End to end: the Groundlink station agent (``groundlink station run``) flies two contacts over the local runtime
with the real Hamlib daemons and their dummy backends (``rotctld -m 1``, ``rigctld -m 1`` from Debian's
``libhamlib-utils``), on a synthetic element set of AO-73 placed so its pass over Esrange (station 3) goes
through the zenith within minutes.

Contact A (2 min, around the culmination): the mount is driven along the track over the top and read back, the
radio's frequency is Doppler-corrected at >= 1 Hz and read back, the recorder runs with the contact's parameters,
its file is uploaded through the presigned URL and delivered to the client, the report reaches the post-contact
report. Contact B (1 min): rotctld is killed after 15 s and restarted 15 s later: the agent reconnects, and the
contact is reported PARTIAL_SUCCESS naming the rotator's errors, never SUCCESS.

Prints the measured pointing error (commanded vs reported) and frequency-update rate."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from infra.local.emulation import free_port
from shared.resources import DELIVERY
from tests.e2e.runtime import ROOT, aws_client, call
from tests.support.station_pass import AO73, ESRANGE, rise_and_peak, synthetic_pass

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
DOWNLINK_HZ = 145_935_000  # AO-73's demo transmitter
RECORDER = [sys.executable, "-c",
            "import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]) + '\\n' + 'x' * 4096)",
            "{output}", "{booking_id}", "{norad_id}", "{downlink_hz}", "{mode}", "{start}", "{end}"]


def _hamlib() -> None:
    """rotctld and rigctld, installed from Debian's libhamlib-utils when missing and possible; else skip."""
    if shutil.which("rotctld") and shutil.which("rigctld"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "libhamlib-utils"], capture_output=True, timeout=600,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not (shutil.which("rotctld") and shutil.which("rigctld")):
        why = "apt-get install -y libhamlib-utils did not provide them" if shutil.which("apt-get") and \
            os.geteuid() == 0 else "no apt-get as root to install libhamlib-utils"
        pytest.skip(f"Hamlib's rotctld/rigctld are not installed ({why})")


class Daemon:
    def __init__(self, argv: list[str], port: int) -> None:
        self.argv, self.port = argv, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.argv[0]} did not listen on {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def ask(self, line: str, n: int) -> list[str]:
        with socket.create_connection(("127.0.0.1", self.port), timeout=3) as s:
            s.sendall((line + "\n").encode())
            buf = b""
            while buf.count(b"\n") < n:
                buf += s.recv(4096)
            return buf.decode().split("\n")[:n]


@pytest.fixture(scope="module")
def daemons():
    _hamlib()
    rot_port, rig_port = free_port(), free_port()
    rot = Daemon(["rotctld", "-m", "1", "-T", "127.0.0.1", "-t", str(rot_port),
                  "-C", "min_az=0,max_az=450,min_el=0,max_el=180"], rot_port)
    rig = Daemon(["rigctld", "-m", "1", "-T", "127.0.0.1", "-t", str(rig_port)], rig_port)
    rot.start()
    rig.start()
    yield rot, rig
    rot.kill()
    rig.kill()


def minute(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


def test_the_agent_flies_contacts_with_the_hamlib_daemons(runtime, daemons, tmp_path):
    from groundlink_orbit import look_angles, parse_tle

    from shared.auth import issue_jwt

    rot, rig = daemons
    base = runtime.base
    demo = issue_jwt("demo", ["tle.upload", "contacts.create", "contacts.view"])
    admin = issue_jwt("ops", ["admin"])

    # Given AO-73's orbit placed so that it culminates over Esrange one minute into contact A
    now = time.time()
    a_start = (int(now + 75) // 60 + 1) * 60
    a_end, b_start = a_start + 120, a_start + 180
    b_end = b_start + 60
    half = 353.0  # from the rise to the culmination of this orbit's zenith pass
    l1, l2, rise, set_ = synthetic_pass(*AO73, *ESRANGE, rise_in_s=a_start + 60 - half - now, now=now)
    _, _, peak_el, peak_t = rise_and_peak(l1, l2, *ESRANGE, rise - 10)
    assert rise < a_start and b_end < set_ and a_start < peak_t < a_end and peak_el > 85
    status, up = call("POST", f"{base}/api/v1/spacecraft/sc-ao73/tle", demo, {"line1": l1, "line2": l2})
    assert status == 201 and up["current"] is True, up

    # And two contacts booked on that pass, and the station's token
    ids = []
    for start, end in ((a_start, a_end), (b_start, b_end)):
        status, made = call("POST", f"{base}/api/v1/contacts", demo, {
            "spacecraft_id": "sc-ao73", "site_id": "3", "start": minute(start), "end": minute(end),
            "service": {"id": "svc-ao73-bpsk"}})
        assert status == 201, made
        ids.append(int(made["contact_id"]))
    status, station = call("POST", f"{base}/admin/api-tokens", admin,
                           {"owner": "station-3", "scopes": ["station"], "name": "e2e station agent"})
    assert status in (200, 201), station

    # When the agent runs with the Hamlib daemons (rotctld killed and restarted during contact B)
    config = {"broker_url": base, "token": station["token"], "station_id": "3",
              "rotctld": {"port": rot.port}, "rigctld": {"port": rig.port},
              "rotator": {"az_min": 0, "az_max": 450, "el_min": 0, "el_max": 180, "flip": "auto"},
              "recorder": RECORDER, "work_dir": str(tmp_path / "work"), "poll_interval_s": 5,
              "prepare_lead_s": 45}  # the dummy mount slews at 6 deg/s from its park position
    (tmp_path / "station.json").write_text(json.dumps(config))

    def outage() -> None:
        time.sleep(max(0.0, b_start + 15 - time.time()))
        rot.kill()
        time.sleep(15)
        rot.start()

    chaos = threading.Thread(target=outage, daemon=True)
    chaos.start()
    summary_path = tmp_path / "summary.json"
    agent = subprocess.run(
        [sys.executable, "-m", "shared.cli", "station", "run", "--config", str(tmp_path / "station.json"),
         "--max-contacts", "2", "--summary", str(summary_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=b_end - time.time() + 120,
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'layers' / 'orbit'}"})
    assert agent.returncode == 0, agent.stderr[-3000:]
    summary = json.loads(summary_path.read_text())
    fa, fb = summary["flights"]
    assert (fa["bookingId"], fb["bookingId"]) == tuple(ids)

    # Then contact A: the mount was driven along the track, over the top, and read back
    samples = fa["samples"]
    assert len(samples) >= 200 and fa["mount"] == "over-the-top" and not fa["errors"]
    assert max(s["cmdEl"] for s in samples) > 100  # past the zenith without an azimuth swing
    assert max(abs(b["cmdAz"] - a["cmdAz"]) for a, b in zip(samples, samples[1:], strict=False)) < 10
    errors = np.array(fa["pointingErrorsDeg"])
    assert len(errors) == len(samples)
    assert np.median(errors) < 1.0 and np.percentile(errors, 95) < 2.0  # the mount follows (read back each update)
    # the look direction commanded is the satellite's (orbit core, independently)
    times = np.array([s["t"] for s in samples])
    az, el, _, rr = look_angles(parse_tle(l1, l2), *ESRANGE, times)
    sky = [_sep(s["cmdAz"], s["cmdEl"], a, e) for s, a, e in zip(samples, az, el, strict=True)]
    assert max(sky) < 1.0
    # the radio: Doppler-corrected downlink, set and read back at >= 1 Hz
    expected = DOWNLINK_HZ * (1 - rr / 299_792.458)
    assert all(s["downRepHz"] == s["downCmdHz"] for s in samples)
    assert np.abs(np.array([s["downCmdHz"] for s in samples]) - expected).max() < 25
    assert max(s["downCmdHz"] for s in samples) - min(s["downCmdHz"] for s in samples) > 3000  # the Doppler swing
    rate = fa["frequencyUpdateRateHz"]
    assert rate >= 1.0
    assert float(rig.ask("f", 1)[0]) == fb["samples"][-1]["downCmdHz"]  # the daemon holds the last setting
    # the recorder ran with the contact's parameters
    recorded = json.loads(Path(fa["recording"]).read_text().split("\n")[0])
    assert recorded == [str(ids[0]), "39444", str(DOWNLINK_HZ), "BPSK"] + recorded[4:]
    assert recorded[4].startswith(minute(a_start)[:-1])
    print(f"\npointing error commanded vs reported (rotctld -m 1), contact A, {len(errors)} samples: "
          f"mean {errors.mean():.3f} deg, median {np.median(errors):.3f}, p95 {np.percentile(errors, 95):.3f}, "
          f"max {errors.max():.3f}; frequency updates {rate:.2f} Hz")

    # And the recording was uploaded and delivered to the client's delivery bucket

    s3 = aws_client(runtime, "s3")
    keys: list[str] = []
    deadline = time.time() + 30
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=DELIVERY.local_name,
                                                      Prefix=f"clients/demo/downlink/booking-{ids[0]}/"
                                                      ).get("Contents", [])]
        if keys:
            break
        time.sleep(0.2)
    [key] = keys
    assert key.startswith(f"clients/demo/downlink/booking-{ids[0]}/recording-{ids[0]}-"), key
    body = s3.get_object(Bucket=DELIVERY.local_name, Key=key)["Body"].read()
    assert body == Path(fa["recording"]).read_bytes()

    # And the station's report is contact A's post-contact report: SUCCESS
    status, contact_a = call("GET", f"{base}/api/v1/contacts/{ids[0]}", demo)
    assert status == 200 and contact_a["state"] == "SUCCESS", contact_a
    status, pcr = call("GET", f"{base}/api/v1/post-contact-reports/{ids[0]}", demo)
    assert status == 200, pcr
    metrics = {m["name"]: m for m in pcr["antenna_metrics"]}
    assert {"commanded_azimuth", "commanded_elevation", "reported_azimuth", "reported_elevation",
            "pointing_error", "downlink_frequency"} <= set(metrics)
    assert all(m["values"] and {"value", "time"} <= set(m["values"][0]) for m in metrics.values())
    [channel] = pcr["channels"]
    assert channel["rf_band"] == "VHF" and channel["unrecoverable_error"] is False
    assert channel["metrics"]["frequency_update_rate_hz"] >= 1.0
    assert channel["metrics"]["data_product"]["transfer_successful"] is True
    assert channel["metrics"]["pointing_error_deg"]["max"] == pytest.approx(errors.max(), abs=1e-3)
    products = pcr["data_products_summary"]
    assert products["data_products_created_count"] == products["data_products_delivered_count"] == 1
    assert products["data_products"][0]["name"] == key and products["data_products"][0]["transfer_successful"]

    # And contact B, whose rotator went away for 15 s: reconnected, and reported PARTIAL_SUCCESS with the reason
    assert fb["errors"]["rotctld"] and any(s["repAz"] is not None for s in fb["samples"][-10:])
    status, contact_b = call("GET", f"{base}/api/v1/contacts/{ids[1]}", demo)
    assert status == 200 and contact_b["state"] == "PARTIAL_SUCCESS", contact_b
    assert "rotctld" in contact_b["state_msg"], contact_b
    [b_report] = [r for r in summary["reported"] if r["bookingId"] == ids[1]]
    assert b_report["status"] == "partial"


def _sep(az1: float, el1: float, az2: float, el2: float) -> float:
    from shared.station_agent.contact import separation_deg

    return separation_deg(az1, el1, float(az2), float(el2)) if math.isfinite(az2) else 180.0
