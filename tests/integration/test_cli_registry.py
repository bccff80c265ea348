"""``groundlink station registry``: load the demo bands, show, set, status, unavailability windows, clear errors."""

from __future__ import annotations

import json

import pytest

import shared.observability  # noqa: F401  (its logger binds stdout when imported: here, not inside a capsys test)
from shared.adapters.dynamo.stations import station_registry
from shared.catalog.demo import DEMO_DIR
from shared.cli import main


@pytest.fixture
def stations(aws, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")  # no local-endpoint default: moto intercepts
    assert main(["import-stations", str(DEMO_DIR / "stations.json")]) == 0


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["station", "registry", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_load_the_demo_bands_and_show_a_station(stations, capsys):
    capsys.readouterr()
    code, out, _ = run(capsys, "load", str(DEMO_DIR / "station_registry.json"))
    assert code == 0 and json.loads(out)["loaded"] == 14
    code, out, _ = run(capsys, "show", "4")
    entry = json.loads(out)
    assert code == 0 and entry["gs_id"] == "4" and entry["version"] == 1
    assert [(b["name"], b["direction"], b["min_mhz"], b["max_mhz"]) for b in entry["antennas"][0]["bands"]] == [
        ("S", "downlink", 2200, 2300), ("S", "uplink", 2025, 2110), ("X", "downlink", 8025, 8400)]
    santiago = station_registry().get("7")
    assert santiago is not None and {b.name for _, b in santiago.bands()} == {"S"}  # an S-band-only site


def test_set_status_and_windows(stations, capsys, tmp_path):
    capsys.readouterr()
    path = tmp_path / "wallops.json"
    path.write_text(json.dumps({"antennas": [{"id": "11m", "bands": [
        {"name": "X", "min_mhz": 8025, "max_mhz": 8400, "direction": "downlink"}]}],
        "horizon_mask": [{"azimuth_deg": 0, "min_elevation_deg": 5}, {"azimuth_deg": 200, "min_elevation_deg": 9}]}))
    code, out, _ = run(capsys, "set", "4", "--file", str(path))
    assert code == 0 and json.loads(out)["horizon_mask"][1] == {"azimuth_deg": 200.0, "min_elevation_deg": 9.0}

    code, out, _ = run(capsys, "status", "4", "maintenance")
    assert code == 0 and json.loads(out)["status"] == "maintenance"
    code, out, _ = run(capsys, "unavailable", "add", "4", "--start", "2030-05-06T10:00:00Z",
                       "--end", "2030-05-06T14:00:00Z", "--reason", "radome repair", "--id", "w-radome")
    added = json.loads(out)
    assert code == 0 and added["unavailability"] == [{"id": "w-radome", "start": "2030-05-06T10:00:00.000Z",
                                                      "end": "2030-05-06T14:00:00.000Z", "reason": "radome repair"}]
    assert added["moved_to_review"] == []
    code, out, _ = run(capsys, "status", "4", "none")
    assert code == 0 and "status" not in json.loads(out)
    code, out, _ = run(capsys, "unavailable", "remove", "4", "w-radome")
    assert code == 0 and json.loads(out)["unavailability"] == []
    stored = station_registry().get("4")
    assert stored is not None and stored.status is None and stored.windows == [] and len(stored.horizon_mask) == 2


def test_errors_are_one_clear_line(stations, capsys, tmp_path):
    capsys.readouterr()
    code, _, err = run(capsys, "show", "99")
    assert code == 2 and "ground station 99 not found" in err
    code, _, err = run(capsys, "unavailable", "add", "4", "--start", "tomorrow", "--end", "2030-05-06T14:00:00Z",
                       "--reason", "x")
    assert code == 2 and "--start: 'tomorrow' is not an ISO 8601 time" in err
    code, _, err = run(capsys, "unavailable", "add", "4", "--start", "2030-05-06T15:00:00Z",
                       "--end", "2030-05-06T14:00:00Z", "--reason", "x")
    assert code == 2 and "end must be after start" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"horizon_mask": [{"azimuth_deg": 400, "min_elevation_deg": 5}]}))
    code, _, err = run(capsys, "set", "4", "--file", str(bad))
    assert code == 2 and "horizon_mask.0.azimuth_deg" in err and "Traceback" not in err
    code, _, err = run(capsys, "unavailable", "remove", "4", "w-none")
    assert code == 2 and "ground station 4 has no unavailability window w-none" in err
