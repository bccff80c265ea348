"""``groundlink station registry …``: operators manage the station registry (antennas and bands, rotator limits,
horizon mask, status, unavailability windows) through the same use cases as ``/admin/stations/{gsId}/registry``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ENTRY_HELP = """\
an entry file is JSON: {"antennas": [{"id": "11m", "bands": [{"name": "S", "min_mhz": 2200, "max_mhz": 2300,
"direction": "downlink"}], "rotator": {"az_min": 0, "az_max": 360, "el_min": 0, "el_max": 90}}],
"horizon_mask": [{"azimuth_deg": 0, "min_elevation_deg": 5}, …], "status": null | "testing" | "maintenance",
"unavailability": [{"id": "w-1", "start": "…Z", "end": "…Z", "reason": "…"}]}
'load' takes a JSON list of such entries, each with its "gs_id" (shared/demo_data/station_registry.json)."""


def add_registry_command(station_sub: Any, command: Any, local_note: str) -> None:
    reg = command(station_sub, "registry", "the station registry: antennas and bands, horizon mask, status, "
                  "unavailability windows", ENTRY_HELP + "\n" + local_note)
    sub = reg.add_subparsers(dest="registry_action", required=True, metavar="ACTION")
    show = command(sub, "show", "print a station's registry entry", "example:\n  groundlink station registry show 4")
    show.add_argument("gs_id", metavar="GS_ID", help="the ground station's id")
    st = command(sub, "set", "replace a station's whole entry from a JSON file (windows added move reservations "
                 "inside them to Review)", ENTRY_HELP + "\n\nexample:\n  groundlink station registry set 4 --file "
                 "wallops.json")
    st.add_argument("gs_id", metavar="GS_ID", help="the ground station's id")
    st.add_argument("--file", required=True, type=Path, metavar="FILE", help="the entry as JSON (below)")
    ld = command(sub, "load", "replace the entries of every station listed in a JSON file",
                 "example:\n  groundlink station registry load shared/demo_data/station_registry.json")
    ld.add_argument("file", type=Path, metavar="FILE", help="a JSON list of entries, each with its gs_id")
    status = command(sub, "status", "set the operator status (maintenance: no new reservations, no availability)",
                     "example:\n  groundlink station registry status 4 maintenance")
    status.add_argument("gs_id", metavar="GS_ID", help="the ground station's id")
    status.add_argument("status", choices=["testing", "maintenance", "none"],
                        help="testing, maintenance, or none (the heartbeat alone)")
    un = command(sub, "unavailable", "add or remove an unavailability window",
                 "example:\n  groundlink station registry unavailable add 4 --start 2026-05-06T10:00:00Z "
                 "--end 2026-05-06T14:00:00Z --reason 'radome repair'\n"
                 "  groundlink station registry unavailable remove 4 w-1a2b3c4d")
    un_sub = un.add_subparsers(dest="window_action", required=True, metavar="ACTION")
    add = command(un_sub, "add", "add a window: reservations not yet begun inside it move to Review",
                  "example:\n  groundlink station registry unavailable add 4 --start 2026-05-06T10:00:00Z "
                  "--end 2026-05-06T14:00:00Z --reason 'radome repair' --id w-radome")
    add.add_argument("gs_id", metavar="GS_ID", help="the ground station's id")
    add.add_argument("--start", required=True, metavar="TIME", help="ISO 8601 with a time zone")
    add.add_argument("--end", required=True, metavar="TIME", help="ISO 8601 with a time zone")
    add.add_argument("--reason", required=True, help="why (named in every reservation it holds)")
    add.add_argument("--id", default=None, metavar="WINDOW_ID", help="optional: the same id again is a safe retry")
    rm = command(un_sub, "remove", "remove a window: reservations it held are predicted again",
                 "example:\n  groundlink station registry unavailable remove 4 w-radome")
    rm.add_argument("gs_id", metavar="GS_ID", help="the ground station's id")
    rm.add_argument("window_id", metavar="WINDOW_ID", help="the window's id (see 'show')")


def _time(text: str, name: str) -> datetime:
    from shared.domain.errors import InvalidField

    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField(name, f"{text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise InvalidField(name, "must carry a time zone (e.g. 2026-05-06T10:00:00Z)")
    return value


def _read(path: Path) -> Any:
    from shared.domain.errors import InvalidRequest

    try:
        return json.loads(path.read_text())
    except OSError as exc:
        raise InvalidRequest(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"{path}: not valid JSON: {exc}") from None


def _entry_body(data: Any, where: str) -> Any:
    from pydantic import ValidationError

    from shared.domain.errors import InvalidRequest
    from shared.errors import describe_validation
    from shared.surfaces.admin.stations import RegistryIn

    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "gs_id"}
    try:
        return RegistryIn.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(f"{where}: {describe_validation(exc.errors())}") from None


def run_registry_command(args: argparse.Namespace) -> int:
    from shared.surfaces.admin.stations import registry_view
    from shared.wiring.ledger import station_registry_service

    service = station_registry_service()

    def out(view: Any) -> int:
        print(json.dumps(view.model_dump(exclude_none=True), indent=2, ensure_ascii=False))
        return 0

    action = args.registry_action
    if action == "show":
        return out(registry_view(service.show(args.gs_id)))
    if action == "set":
        body = _entry_body(_read(args.file), str(args.file))
        change = service.replace(args.gs_id, body.antennas, body.horizon_mask, body.status, body.unavailability)
        return out(registry_view(change.entry, change))
    if action == "load":
        data = _read(args.file)
        if not isinstance(data, list):
            print(f"groundlink: {args.file}: expected a JSON list of entries, each with its gs_id", file=sys.stderr)
            return 2
        views = []
        for i, item in enumerate(data):
            gs_id = item.get("gs_id") if isinstance(item, dict) else None
            if not isinstance(gs_id, str):
                print(f"groundlink: {args.file}: entry {i} has no gs_id", file=sys.stderr)
                return 2
            body = _entry_body(item, f"{args.file}: entry {i} (ground station {gs_id})")
            change = service.replace(gs_id, body.antennas, body.horizon_mask, body.status, body.unavailability)
            views.append(registry_view(change.entry, change).model_dump(exclude_none=True))
        print(json.dumps({"loaded": len(views), "entries": views}, indent=2, ensure_ascii=False))
        return 0
    if action == "status":
        change = service.set_status(args.gs_id, None if args.status == "none" else args.status)
        return out(registry_view(change.entry, change))
    if args.window_action == "add":
        change, _ = service.add_window(args.gs_id, _time(args.start, "--start"), _time(args.end, "--end"),
                                       args.reason, args.id)
        return out(registry_view(change.entry, change))
    removed = service.remove_window(args.gs_id, args.window_id)
    return out(registry_view(removed.entry, removed))
