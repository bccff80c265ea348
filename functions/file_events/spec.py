"""Deployment spec of this worker (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="file_events",
    surface="pipeline",
    description="S3 object events: uplink sha256 verification, downlink delivery to the client bucket",
    # ledger: read bookings (owner, files attached at creation) and allocate downlink file ids (COUNTER/file)
    tables={"ledger": "write", "files": "write", "events": "write"},
    buckets={"uplink": "read", "downlink": "read", "delivery": "write"},
    queue="file_events",
    needs_jwt_secret=False,
    timeout_s=60,
)
