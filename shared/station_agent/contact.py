"""One contact, prepared and flown: the track and radio settings from the broker's data, then at AOS the mount
and the radio driven along the pass (each update read back), the recorder run for the pass."""

from __future__ import annotations

import math
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.station_agent.config import AgentConfig
from shared.station_agent.hamlib import HamlibError, Radio, Rotator
from shared.station_agent.tracking import MountPlan, Track, compute_track, downlink_hz, plan_mount, uplink_hz


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Prepared:
    """Everything needed to fly one contact, gathered while the broker answered."""

    booking_id: int
    slot_id: int
    norad_id: int
    satellite: str
    start: float
    end: float
    line1: str
    line2: str
    downlink_hz: float | None
    uplink_hz: float | None
    mode: str
    track: Track
    plan: MountPlan
    uplink_files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return self.booking_id, self.slot_id

    def params(self, output: Path) -> dict[str, Any]:
        return {"booking_id": self.booking_id, "slot_id": self.slot_id, "norad_id": self.norad_id,
                "satellite": self.satellite, "start": iso(self.start), "end": iso(self.end),
                "duration_s": round(self.end - self.start), "downlink_hz": round(self.downlink_hz or 0),
                "uplink_hz": round(self.uplink_hz or 0), "mode": self.mode, "output": str(output)}


def prepare(command: dict[str, Any], station: dict[str, Any], element_set: dict[str, Any],
            transmitters: list[dict[str, Any]], config: AgentConfig) -> Prepared:
    start, end = parse_time(command["start"]), parse_time(command["end"])
    track = compute_track(element_set["tle1"], element_set["tle2"], float(station["latitude"]),
                          float(station["longitude"]), float(station["altitude"]), start - config.prepare_lead_s,
                          end, step_s=1.0)
    active = [t for t in transmitters if t.get("status", "active") == "active"]
    down = next((t for t in active if t.get("downlink_low_hz")), None)
    up = next((t for t in active if t.get("uplink_low_hz")), None)
    return Prepared(
        booking_id=int(command["bookingId"]), slot_id=int(command["slotId"]),
        norad_id=int(command["satellite"]["noradId"]), satellite=command["satellite"].get("name") or "",
        start=start, end=end, line1=element_set["tle1"], line2=element_set["tle2"],
        downlink_hz=float(down["downlink_low_hz"]) if down else config.default_downlink_hz,
        uplink_hz=float(up["uplink_low_hz"]) if up else None,
        mode=(down or {}).get("mode") or config.default_mode, track=track, plan=plan_mount(track, config.rotator),
        uplink_files=list(command.get("uplinkFiles") or []))


def separation_deg(az1: float, el1: float, az2: float, el2: float) -> float:
    """Angle between two look directions (mount coordinates: elevation beyond 90° is over the zenith)."""
    a1, e1, a2, e2 = map(math.radians, (az1, el1, az2, el2))
    v1 = (math.cos(e1) * math.sin(a1), math.cos(e1) * math.cos(a1), math.sin(e1))
    v2 = (math.cos(e2) * math.sin(a2), math.cos(e2) * math.cos(a2), math.sin(e2))
    dot = max(-1.0, min(1.0, sum(x * y for x, y in zip(v1, v2, strict=True))))
    return math.degrees(math.acos(dot))


@dataclass
class Sample:
    t: float
    cmd_az: float
    cmd_el: float
    rep_az: float | None = None
    rep_el: float | None = None
    down_cmd_hz: float | None = None
    down_rep_hz: float | None = None
    up_cmd_hz: float | None = None


@dataclass
class Flight:
    """What happened during one contact."""

    prepared: Prepared
    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # per source: its error messages (first ones kept)
    error_counts: dict[str, int] = field(default_factory=dict)
    radio_updates: list[float] = field(default_factory=list)  # times the downlink frequency was set and read back
    recording: Path | None = None
    recorder_exit: int | None = None
    recorder_command: list[str] = field(default_factory=list)

    def error(self, source: str, message: str) -> None:
        self.error_counts[source] = self.error_counts.get(source, 0) + 1
        msgs = self.errors.setdefault(source, [])
        if len(msgs) < 3 and message not in msgs:
            msgs.append(message)


def start_recorder(prepared: Prepared, config: AgentConfig, flight: Flight) -> subprocess.Popen[bytes] | None:
    config.work_dir.mkdir(parents=True, exist_ok=True)
    name = config.recording_name.format(booking_id=prepared.booking_id, slot_id=prepared.slot_id)
    output = (config.work_dir / name).resolve()
    flight.recording = output
    if not config.recorder:
        return None
    params = prepared.params(output)
    try:
        argv = [arg.format(**params) for arg in config.recorder]
    except (KeyError, IndexError, ValueError) as exc:
        flight.error("recorder", f"recorder template: {exc!r}")
        return None
    flight.recorder_command = argv
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL)  # noqa: S603 (the station's own command)
    except OSError as exc:
        flight.error("recorder", f"recorder {shlex.join(argv)} did not start: {exc}")
        return None


def stop_recorder(proc: subprocess.Popen[bytes] | None, flight: Flight) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        flight.recorder_exit = 0  # stopped at LOS, as asked
    else:
        flight.recorder_exit = proc.returncode
        if proc.returncode != 0:
            flight.error("recorder", f"recorder exited with status {proc.returncode}")


def fly(prepared: Prepared, config: AgentConfig, rotator: Rotator, radio: Radio,
        clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> Flight:
    """Point at the AOS position, then from AOS to LOS command the mount and the radio every
    ``update_interval_s`` and read each back; run the recorder for the pass."""
    flight = Flight(prepared)
    p, limits = prepared, config.rotator
    az0, el0, _ = p.track.at(p.start)
    previous: float | None = None
    sent: tuple[float, float] | None = None
    try:
        previous, el_cmd = p.plan.command(az0, max(el0, limits.el_min), None, limits)
        rotator.set_position(previous, el_cmd)
        sent = (previous, el_cmd)
    except HamlibError as exc:
        flight.error("rotctld", str(exc))
    try:
        radio.set_mode(p.mode, config.passband_hz)
        if p.uplink_hz:
            radio.set_split(True)
    except HamlibError as exc:
        flight.error("rigctld", str(exc))
    while clock() < p.start:
        sleep(min(0.2, max(0.0, p.start - clock())))
    recorder = start_recorder(p, config, flight)
    try:
        while (now := clock()) < p.end:
            az, el, rr = p.track.at(now)
            cmd_az, cmd_el = p.plan.command(az, el, previous, limits)
            previous = cmd_az
            s = Sample(now, cmd_az, cmd_el)
            try:  # read first (where the last command got the mount), then command the new position
                s.rep_az, s.rep_el = rotator.position()
                if sent is None or abs(sent[0] - cmd_az) + abs(sent[1] - cmd_el) >= config.rotator_step_deg:
                    rotator.set_position(cmd_az, cmd_el)
                    sent = (cmd_az, cmd_el)
            except HamlibError as exc:
                sent = None  # re-sent once the daemon answers again
                flight.error("rotctld", str(exc))
            if p.downlink_hz:
                try:
                    s.down_cmd_hz = round(downlink_hz(p.downlink_hz, rr))
                    radio.set_frequency(s.down_cmd_hz)
                    s.down_rep_hz = radio.frequency()
                    flight.radio_updates.append(clock())
                    if p.uplink_hz:
                        s.up_cmd_hz = round(uplink_hz(p.uplink_hz, rr))
                        radio.set_tx_frequency(s.up_cmd_hz)
                except HamlibError as exc:
                    flight.error("rigctld", str(exc))
            flight.samples.append(s)
            sleep(max(0.0, min(config.update_interval_s - (clock() - now), p.end - clock())))
    finally:
        stop_recorder(recorder, flight)
    return flight
