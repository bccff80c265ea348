"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="station_broker",
    surface="orbapi",
    description="station command broker (poll = heartbeat, contact results) and orbapi station status",
    routes=routes(
        "GET /stations/v1/commands",
        "POST /stations/v1/contacts/{bookingId}/result",
        "GET /orbapi/gs/id/{id}/status",
    ),
    # ledger: reservations, bookings and their final states; files: adopt and list uplink files, consumed/failed
    # with the contact; events: the outbox, in the report's transaction
    tables={"catalog": "read", "identity": "read", "ledger": "write", "stations": "write", "files": "write",
            "events": "write", "ratelimit": "write"},
    buckets={"uplink": "read"},  # presigned GET URLs of verified uplink objects
)
