"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="spacego_tle",
    surface="spacego",
    description="Space Go TLE upload into the satellite's element-set history",
    routes=routes(
        "POST /api/v1/spacecraft/{spacecraft_id}/tle",
    ),
    # ledger + events: a new current element set moves the satellite's future reservations out of their passes
    # to review (the orbit recheck), each with its event
    tables={"catalog": "write", "identity": "read", "ledger": "write",
            "stations": "read",  # the station registry (masks, windows) in orbit rechecks
            "events": "write", "ratelimit": "write"},
    needs_orbit_layer=True,
)
