"""Runs inside the isolated satnogs-client virtual environment (never imported by the test suite itself): the
client's own job fetching (``satnogsclient.scheduler.tasks.get_jobs``) and data upload (``post_data`` →
``upload_observation_data``), configured by the client's own environment variables (``SATNOGS_NETWORK_API_URL``,
``SATNOGS_API_TOKEN``, ``SATNOGS_STATION_ID``, ``SATNOGS_STATION_LAT/LON/ELEV``, ``SATNOGS_OUTPUT_PATH``…).

    python driver.py jobs      # prints the jobs the client scheduled, as JSON
    python driver.py upload    # uploads every file in SATNOGS_OUTPUT_PATH, prints what is left there

The ``Hamlib`` (rig and rotator control) and ``gps`` (gpsd) modules the client imports are system bindings of the
radio hardware, not on PyPI: they are stood in for by empty modules, as no radio runs here (the gpsd locator is
disabled by ``SATNOGS_GPSD_CLIENT_ENABLED=False``, its default)."""

from __future__ import annotations

import json
import os
import sys
import types


class _AbsentBinding(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return 0


for _name in ("Hamlib", "gps"):
    sys.modules.setdefault(_name, _AbsentBinding(_name))

from satnogsclient.scheduler import SCHEDULER  # noqa: E402
from satnogsclient.scheduler.tasks import get_jobs, post_data, spawn_observer  # noqa: E402


def jobs() -> list[dict]:
    SCHEDULER.start(paused=True)  # jobs get their run times, none of them runs
    try:
        get_jobs()
        return [{"id": job.id, "run_date": job.next_run_time.isoformat(), "obj": job.kwargs["obj"]}
                for job in SCHEDULER.get_jobs() if job.name == spawn_observer.__name__]
    finally:
        SCHEDULER.shutdown(wait=False)


def upload() -> dict:
    post_data()
    out = os.environ["SATNOGS_OUTPUT_PATH"]
    return {"left": sorted(f for f in os.listdir(out) if os.path.isfile(os.path.join(out, f))),
            "incomplete": sorted(os.listdir(os.environ["SATNOGS_INCOMPLETE_OUTPUT_PATH"]))}


if __name__ == "__main__":
    result = {"jobs": jobs, "upload": upload}[sys.argv[1]]()
    print(json.dumps(result))
