"""SSA current satellite position (seed 002, "Get Current Satellite Position"). Any valid JWT.

``POST /v1/get_current_position`` ``{"norad_ids": [int]}`` (1..100 ids, no duplicates) →

    {"timestamp": "<now, ISO 8601 UTC, ms>",
     "positions": [{"norad_id", "name", "epoch" (of the element set used),
                    "latitude", "longitude", "altitude_km" (WGS-84), "velocity_km_s" (inertial speed),
                    "trajectory": [{"timestamp", "latitude", "longitude", "altitude_km"}, ...]}]}

The trajectory starts at ``timestamp`` and runs every 60 s for the next 1.5 h (91 points). Positions come
in request order. Unknown ids: ``404 {"detail": "satellite(s) not found: 1, 2", "status_code": 404}``.
A satellite that cannot be propagated now (SGP4 error, no element set) has ``"error": "<reason>"``
instead of the numbers; one whose propagation fails within the 1.5 h keeps the points before it and a
``"warning"``.
"""

from __future__ import annotations

import time

from functions.ssa_position.logic import CurrentPosition
from functions.ssa_position.models import CurrentPositionRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.http import caller, create_app

app = create_app("ssa", "Groundlink SSA current position")


@app.post("/v1/get_current_position", dependencies=[caller()])
def get_current_position(request: CurrentPositionRequest) -> dict:
    now_unix_ms = time.time_ns() // 1_000_000
    return CurrentPosition(catalog_repository()).positions(request.norad_ids, now_unix_ms)
