"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="satnogs_api",
    surface="satnogs",
    description="SatNOGS-compatible station API: jobs (poll = heartbeat) and observation uploads (satnogs-client)",
    routes=routes(
        "GET /satnogs/api/jobs",
        "PUT /satnogs/api/observations/{id}",
    ),
    # ledger: reservations and their final states; profiles and catalog: element sets and radio settings;
    # stations: heartbeats; downlink: the uploaded files (delivered by file_events from there)
    # files + events: an observation's audio completes the contact, its uplink files consumed and the events
    # written in the same transaction (the reservation lifecycle)
    tables={"catalog": "read", "identity": "read", "ledger": "write", "stations": "write", "profiles": "read",
            "files": "write", "events": "write", "ratelimit": "write"},
    buckets={"downlink": "write"},
)
