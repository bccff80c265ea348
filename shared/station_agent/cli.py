"""``groundlink station run --config FILE``: the station agent as a command."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

EXAMPLE = """The config file (TOML, or JSON with the same keys):

  broker_url = "http://127.0.0.1:8000"
  token = "dsn_live_…"            # an API token with scope station, owner station-<id>
  station_id = "3"
  recorder = ["rtl_fm", "-f", "{downlink_hz}", "-M", "fm", "{output}"]
  [rotctld]                       # rotctld -m <model> -t 4533
  port = 4533
  [rigctld]                       # rigctld -m <model> -t 4532
  port = 4532
  [rotator]                       # the mount's travel; flip = "auto" uses el > 90 deg where allowed
  az_min = 0
  az_max = 450
  el_min = 0
  el_max = 180

example:
  rotctld -m 1 -t 4533 & rigctld -m 1 -t 4532 &
  groundlink station run --config station.toml"""


def add_station_command(sub: Any, command: Any) -> Any:
    """The ``station`` command; returns its subcommands (the registry's are added beside ``run``)."""
    st = command(sub, "station", "run a ground station: the Groundlink station agent on Hamlib", EXAMPLE)
    st_sub = st.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = command(st_sub, "run", "poll the broker, fly the station's contacts with rotctld/rigctld, report them",
                  EXAMPLE)
    run.add_argument("--config", required=True, type=Path, metavar="FILE", help="the agent's TOML or JSON file")
    run.add_argument("--max-contacts", type=int, default=None, metavar="N",
                     help="exit once N contacts were reported (default: run until Ctrl-C)")
    run.add_argument("--summary", type=Path, default=None, metavar="FILE",
                     help="write what was flown and reported as JSON on exit")
    return st_sub


def run_station_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from shared.station_agent.agent import StationAgent
    from shared.station_agent.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                        stream=sys.stderr)
    try:
        config = load_config(args.config)
    except (OSError, ValueError, ValidationError) as exc:
        print(f"groundlink: {args.config}: {exc}", file=sys.stderr)
        return 2
    agent = StationAgent(config)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        agent.run(stop, max_contacts=args.max_contacts)
    except KeyboardInterrupt:
        stop.set()
    if args.summary:
        args.summary.write_text(json.dumps(summary(agent), indent=2))
    return 0


def summary(agent: Any) -> dict[str, Any]:
    from shared.station_agent.report import pointing_errors, update_rate_hz

    flights = []
    for f in agent.flights:
        flights.append({
            "bookingId": f.prepared.booking_id, "slotId": f.prepared.slot_id, "mount": f.prepared.plan.mode,
            "samples": [{"t": s.t, "cmdAz": s.cmd_az, "cmdEl": s.cmd_el, "repAz": s.rep_az, "repEl": s.rep_el,
                         "downCmdHz": s.down_cmd_hz, "downRepHz": s.down_rep_hz, "upCmdHz": s.up_cmd_hz}
                        for s in f.samples],
            "pointingErrorsDeg": pointing_errors(f.samples), "frequencyUpdateRateHz": update_rate_hz(f.radio_updates),
            "recorderCommand": f.recorder_command, "recording": str(f.recording) if f.recording else None,
            "errors": f.errors})
    return {"polls": {"ok": agent.polls_ok, "failed": agent.polls_failed}, "flights": flights,
            "reported": [{"bookingId": r["key"][0], "slotId": r["key"][1], "status": r["result"]["status"],
                          "message": r["result"]["message"], "answer": r.get("answer"), "refused": r.get("refused")}
                         for r in agent.reported]}
