"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="station_registry",
    surface="admin",
    description="station registry administration: antennas and bands, horizon mask, status, unavailability windows",
    routes=routes(
        "GET /admin/stations/{gsId}/registry",
        "PUT /admin/stations/{gsId}/registry",
        "PUT /admin/stations/{gsId}/registry/status",
        "POST /admin/stations/{gsId}/registry/unavailability",
        "DELETE /admin/stations/{gsId}/registry/unavailability/{windowId}",
    ),
    # stations: the registry entries; ledger + events: a window moves reservations to Review (outbox in the same
    # write); a removed window re-predicts them (orbit layer)
    tables={"catalog": "read", "identity": "read", "stations": "write", "ledger": "write", "files": "read",
            "events": "write", "ratelimit": "write"},
    needs_orbit_layer=True,
)
