"""Simulated ground stations for ``make run`` (``GROUNDLINK_STATION_AGENTS=all`` or a list of station ids):
one station agent per station, each with its own API token, flying its contacts against Hamlib's dummy daemons
(``rotctld -m 1`` / ``rigctld -m 1``) when they are installed, else against the in-process stand-ins, with a
recorder writing the contact's parameters: a booked contact is flown, its file delivered, its report filed."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV = "GROUNDLINK_STATION_AGENTS"
RECORDER = [sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write(' '.join(sys.argv[2:]) + '\\n')",
            "{output}", "booking={booking_id}", "norad={norad_id}", "downlink_hz={downlink_hz}", "mode={mode}",
            "start={start}", "end={end}"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, timeout_s: float = 10.0) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no Hamlib daemon listening on port {port}")


@dataclass
class SimulatedStations:
    hamlib: bool
    work_dir: Path
    station_ids: list[str]
    stop_event: threading.Event = field(default_factory=threading.Event)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    stand_ins: list[Any] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=5)
        for p in self.processes:
            p.terminate()
        for d in self.stand_ins:
            d.stop()

    @property
    def description(self) -> str:
        kind = "Hamlib dummy daemons (rotctld -m 1, rigctld -m 1)" if self.hamlib else "in-process Hamlib stand-ins"
        return f"stations {', '.join(self.station_ids)} on {kind}; recordings in {self.work_dir}"


def wanted(value: str, known: list[str]) -> list[str]:
    """``all`` (or ``1``/``yes``) → every station; else the listed ids that exist."""
    value = value.strip()
    if value.lower() in ("", "0", "no", "false", "off"):
        return []
    if value.lower() in ("1", "all", "yes", "true", "on"):
        return known
    return [s for s in (v.strip() for v in value.split(",")) if s in known]


def _run(agent: Any, base_url: str, stop: threading.Event) -> None:
    """Wait for the HTTP API to listen (the agents start before it), then fly."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    while not stop.is_set():
        try:
            socket.create_connection((host, int(port or 80)), timeout=0.5).close()
            break
        except OSError:
            stop.wait(0.5)
    agent.run(stop)


def start_stations(base_url: str, station_ids: list[str]) -> SimulatedStations:
    from shared.identity_tokens import create_api_token
    from shared.station_agent.agent import StationAgent
    from shared.station_agent.config import AgentConfig
    from shared.station_agent.simulator import SimulatedDaemon

    log = logging.getLogger("groundlink.station")  # contacts scheduled, flown, reported: on the console
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("station agent: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    hamlib = bool(shutil.which("rotctld") and shutil.which("rigctld"))
    sims = SimulatedStations(hamlib, Path(tempfile.mkdtemp(prefix="groundlink-stations-")), station_ids)
    for gs_id in station_ids:
        token, _ = create_api_token(owner=f"station-{gs_id}", scopes=["station"], name="simulated station agent")
        if hamlib:
            rot_port, rig_port = _free_port(), _free_port()
            for argv in (["rotctld", "-m", "1", "-T", "127.0.0.1", "-t", str(rot_port),
                          "-C", "min_az=0,max_az=450,min_el=0,max_el=180"],
                         ["rigctld", "-m", "1", "-T", "127.0.0.1", "-t", str(rig_port)]):
                sims.processes.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            _wait_listening(rot_port)
            _wait_listening(rig_port)
        else:
            rot, rig = SimulatedDaemon("rotctld").start(), SimulatedDaemon("rigctld").start()
            sims.stand_ins += [rot, rig]
            rot_port, rig_port = rot.port, rig.port
        config = AgentConfig(broker_url=base_url, token=token, station_id=gs_id, rotctld={"port": rot_port},
                             rigctld={"port": rig_port}, recorder=RECORDER, work_dir=sims.work_dir / gs_id,
                             poll_interval_s=10, default_downlink_hz=2_200_000_000,
                             rotator={"az_min": 0, "az_max": 450, "el_min": 0, "el_max": 180})
        t = threading.Thread(target=_run, args=(StationAgent(config), base_url, sims.stop_event),
                             name=f"station-{gs_id}", daemon=True)
        t.start()
        sims.threads.append(t)
    return sims
