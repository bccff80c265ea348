"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="orbapi_bookings",
    surface="orbapi",
    description="orbapi bookings on the antenna-time ledger",
    routes=routes(
        "POST /orbapi/bookings",
        "GET /orbapi/bookings",
        "DELETE /orbapi/bookings/{bookingId}",
    ),
    # files: a booking's uplink file is written in the booking's transaction; events: the outbox, likewise
    tables={"catalog": "read", "identity": "read", "ledger": "write",
            "stations": "read", "profiles": "read",  # the station registry's rules (masks, windows, bands)
            "files": "write", "events": "write",
            "idempotency": "write", "ratelimit": "write"},
    needs_orbit_layer=True,
    memory_mb=1769,  # one full vCPU: CPU-bound orbit work
    reserved_concurrency=15,  # heavy: bounded so a burst cannot starve the other functions
)
