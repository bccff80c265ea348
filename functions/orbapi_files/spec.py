"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="orbapi_files",
    surface="orbapi",
    description="orbapi uplink and downlink file metadata of bookings",
    routes=routes(
        "POST /orbapi/bookings/{bookingId}/uplink-files",
        "GET /orbapi/bookings/{bookingId}/uplink-files",
        "GET /orbapi/bookings/{bookingId}/downlink-files",
    ),
    # ledger: read bookings (ownership, files attached at creation) and allocate file ids (COUNTER/file)
    tables={"identity": "read", "ledger": "write", "files": "write", "ratelimit": "write", "events": "write"},
)
