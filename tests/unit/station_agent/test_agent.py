"""The station agent's loop against a scripted broker and the in-process Hamlib stand-ins: a contact flown and
reported, a broker outage (the schedule kept, the result reported later), daemons answering errors (reported
partial/failed with the reason, never completed), a restarted daemon reconnected."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shared.station_agent.agent import StationAgent
from shared.station_agent.broker import BrokerUnavailable
from shared.station_agent.config import AgentConfig
from shared.station_agent.contact import iso
from shared.station_agent.hamlib import HamlibError, Rotator
from shared.station_agent.simulator import SimulatedDaemon
from tests.support.station_pass import AO73, ESRANGE, synthetic_pass

RECORDER = [sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write(' '.join(sys.argv[2:]))",
            "{output}", "{booking_id}", "{norad_id}", "{downlink_hz}", "{mode}"]


class ScriptedBroker:
    """The broker's HTTP API as the agent sees it; ``down`` makes every call fail like an outage."""

    def __init__(self, start: float, end: float, lines: tuple[str, str]) -> None:
        self.down = False
        self.lines = lines
        self.cmd = {"type": "contact", "bookingId": 7, "missionId": 7, "slotId": 1, "source": "spacego",
                    "satellite": {"noradId": "39444", "name": "FUNCUBE-1 (AO-73)"}, "start": iso(start),
                    "end": iso(end), "status": "Confirmed", "uplinkFiles": []}
        self.polls = 0
        self.reports: list[dict[str, Any]] = []
        self.uploads: list[tuple[str, bytes]] = []

    def _check(self) -> None:
        if self.down:
            raise BrokerUnavailable("connection refused")

    def commands(self) -> dict[str, Any]:
        self._check()
        self.polls += 1
        return {"commands": [self.cmd]}

    def station(self, gs_id: str) -> dict[str, Any]:
        self._check()
        return {"id": gs_id, "latitude": ESRANGE[0], "longitude": ESRANGE[1], "altitude": ESRANGE[2]}

    def element_set(self, norad_id: int) -> dict[str, Any]:
        self._check()
        return {"tle1": self.lines[0], "tle2": self.lines[1]}

    def transmitters(self, norad_id: int) -> list[dict[str, Any]]:
        self._check()
        return [{"uuid": "t", "mode": "BPSK", "status": "active", "downlink_low_hz": 145_935_000}]

    def downlink_url(self, booking_id: int, name: str) -> dict[str, Any]:
        self._check()
        return {"s3Key": f"downlink/{booking_id}/{name}", "url": f"http://s3.invalid/{name}"}

    def report(self, booking_id: int, result: dict[str, Any]) -> dict[str, Any]:
        self._check()
        self.reports.append(result)
        return {"status": "success", "bookingStatus": "Completed"}

    def put(self, url: str, data: bytes) -> None:
        self._check()
        self.uploads.append((url, data))


@pytest.fixture
def daemons():
    rot = SimulatedDaemon("rotctld", slew_deg_s=30.0).start()
    rig = SimulatedDaemon("rigctld").start()
    yield rot, rig
    rot.stop()
    rig.stop()


def _agent(tmp_path: Path, rot: SimulatedDaemon, rig: SimulatedDaemon, duration_s: float = 4.0,
           lead_s: float = 1.5) -> tuple[StationAgent, ScriptedBroker]:
    now = time.time()
    l1, l2, rise, _ = synthetic_pass(*AO73, *ESRANGE, rise_in_s=-120, now=now)  # a pass already up
    broker = ScriptedBroker(now + lead_s, now + lead_s + duration_s, (l1, l2))
    config = AgentConfig(broker_url="http://broker.invalid", token="t", station_id="3",
                         rotctld={"port": rot.port}, rigctld={"port": rig.port}, recorder=RECORDER,
                         work_dir=tmp_path, poll_interval_s=0.3, prepare_lead_s=1.0,
                         rotator={"az_min": 0, "az_max": 450, "el_max": 180})
    agent = StationAgent(config, broker=broker, upload=broker.put)  # type: ignore[arg-type]
    return agent, broker


def _run(agent: StationAgent, timeout_s: float = 20.0, until: Any = None) -> None:
    stop = threading.Event()
    th = threading.Thread(target=agent.run, kwargs={"stop": stop, "max_contacts": 1}, daemon=True)
    th.start()
    deadline = time.time() + timeout_s
    while th.is_alive() and time.time() < deadline:
        if until is not None and until():
            break
        time.sleep(0.05)
    if until is not None:
        return
    stop.set()
    th.join(5)


def test_a_contact_is_flown_recorded_uploaded_and_reported(tmp_path, daemons):
    rot, rig = daemons
    agent, broker = _agent(tmp_path, rot, rig)
    _run(agent)
    [result] = broker.reports
    assert result["status"] == "completed", result["message"]
    [flight] = agent.flights
    assert len(flight.samples) >= 6  # 4 s at 2 Hz
    # every update commanded the mount and the radio and read both back
    assert sum(1 for line in rot.log if line == "p") >= len(flight.samples)
    assert sum(1 for line in rot.log if line.startswith("P ")) >= len(flight.samples) // 2  # moved >= 0.1 deg
    assert sum(1 for line in rig.log if line.startswith("F ")) == len(flight.samples)
    assert all(s.down_rep_hz == s.down_cmd_hz for s in flight.samples)
    assert rig.state["mode"] == "BPSK"
    # Doppler-corrected: AO-73 recedes or approaches, never the nominal frequency at a high pass
    assert all(abs(s.down_cmd_hz - 145_935_000) > 10 for s in flight.samples)
    names = {m["name"]: m for m in result["metrics"]}
    assert {"commanded_azimuth", "reported_azimuth", "commanded_elevation", "reported_elevation",
            "pointing_error", "downlink_frequency"} <= set(names)
    assert names["reported_elevation"]["values"][0]["value"] >= 0
    [channel] = result["channels"]
    assert channel["metrics"]["frequency_update_rate_hz"] >= 1.0
    assert channel["unrecoverable_error"] is False
    # the recorder ran with the contact's parameters, its file was uploaded
    [(url, data)] = broker.uploads
    assert url.endswith("recording-7-1.dat")
    assert data.decode().split() == ["7", "39444", str(round(145_935_000)), "BPSK"]
    assert channel["metrics"]["data_product"] == {"name": "downlink/7/recording-7-1.dat", "size": len(data),
                                                  "transfer_successful": True}


def test_a_broker_outage_keeps_the_schedule_and_reports_later(tmp_path, daemons):
    rot, rig = daemons
    agent, broker = _agent(tmp_path, rot, rig, duration_s=3.0)
    assert agent.poll() and len(agent.schedule) == 1
    broker.down = True  # from now on until the pass is over
    _run(agent, timeout_s=15, until=lambda: bool(agent.flights) and agent.pending)
    assert agent.polls_failed >= 1 and broker.reports == []
    [flight] = agent.flights
    assert len(flight.samples) >= 4 and not flight.errors  # flown from the kept schedule
    assert len(agent.pending) == 1
    agent.flush()  # still down: nothing lost
    assert len(agent.pending) == 1 and broker.reports == []
    broker.down = False
    agent.flush()
    assert agent.pending == [] and [r["status"] for r in broker.reports] == ["completed"]
    assert len(broker.uploads) == 1


def test_a_daemon_answering_errors_is_reported_partial_with_the_reason(tmp_path, daemons):
    rot, rig = daemons
    rig.fail = {"F ": -9}  # the radio refuses every frequency
    agent, broker = _agent(tmp_path, rot, rig, duration_s=3.0)
    _run(agent)
    [result] = broker.reports
    assert result["status"] == "partial"
    assert "rigctld" in result["message"] and "RPRT -9" in result["message"]
    assert "command rejected" in result["message"]
    assert result["channels"][0]["metrics"]["radio_errors"] >= 4


def test_no_rotator_and_no_radio_is_reported_failed(tmp_path, daemons):
    rot, rig = daemons
    agent, broker = _agent(tmp_path, rot, rig, duration_s=2.0)
    rot.stop()
    rig.stop()
    _run(agent)
    [result] = broker.reports
    assert result["status"] == "failed"  # nothing tracked, nothing tuned: the recording alone is no contact
    assert "rotctld" in result["message"] and "unreachable" in result["message"]
    assert result["channels"][0]["metrics"]["pointing_error_deg"] == {}


def test_the_client_reconnects_to_a_restarted_daemon():
    rot = SimulatedDaemon("rotctld", slew_deg_s=1000).start()
    port = rot.port
    client = Rotator("127.0.0.1", port)
    client.set_position(10, 20)
    rot.stop()
    with pytest.raises(HamlibError, match="rotctld"):
        client.position()
    rot2 = SimulatedDaemon("rotctld", port=port, slew_deg_s=1000).start()
    try:
        client.set_position(30, 40)
        time.sleep(0.1)
        assert client.position() == (30.0, 40.0)
    finally:
        rot2.stop()


def test_an_out_of_range_command_raises_with_the_daemon_code():
    rot = SimulatedDaemon("rotctld", limits=(0, 360, 0, 90)).start()
    try:
        with pytest.raises(HamlibError, match=r"RPRT -1 \(invalid parameter\)"):
            Rotator("127.0.0.1", rot.port).set_position(400, 10)
    finally:
        rot.stop()


def test_the_command_refuses_a_bad_config_naming_the_field(tmp_path, capsys):
    from shared.cli import main

    bad = tmp_path / "station.toml"
    bad.write_text('broker_url = "http://127.0.0.1:8000"\ntoken = "t"\nstation_id = "3"\n'
                   '[rotator]\naz_min = 0\naz_max = 200\n')
    assert main(["station", "run", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "station.toml" in err and "az_max - az_min must be between 360 and 540 degrees" in err


def test_an_upload_the_storage_refuses_is_reported_with_the_reason_never_completed(tmp_path, daemons):
    from shared.station_agent.broker import BrokerRefused

    rot, rig = daemons
    agent, broker = _agent(tmp_path, rot, rig, duration_s=2.0)

    def refuse(url: str, data: bytes) -> None:
        raise BrokerRefused(400, "EntityTooLarge")

    agent.upload = refuse
    _run(agent)
    [result] = broker.reports
    assert result["status"] == "failed" and "upload refused: HTTP 400: EntityTooLarge" in result["message"]
    assert result["channels"][0]["unrecoverable_error"] is True
    assert result["channels"][0]["metrics"]["data_product"]["transfer_successful"] is False


def test_a_contact_that_cannot_be_prepared_is_skipped_and_tried_again(tmp_path, daemons):
    from shared.station_agent.broker import BrokerRefused

    rot, rig = daemons
    agent, broker = _agent(tmp_path, rot, rig)
    lines = broker.lines

    def missing(norad_id: int) -> dict:
        raise BrokerRefused(404, {"error": "no element set"})

    broker.element_set = missing  # type: ignore[method-assign]
    assert agent.poll() is True and agent.schedule == {}
    broker.element_set = lambda norad_id: {"tle1": lines[0], "tle2": lines[1]}  # type: ignore[method-assign]
    assert agent.poll() is True and list(agent.schedule) == [(7, 1)]
